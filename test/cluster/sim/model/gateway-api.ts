// The parts of Gateway API objects (v1, standard channel) the simulator reads and writes.
// Hand-written and partial on purpose: unknown fields pass through untouched.

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string | Date;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string | Date;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface StringMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface PathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value?: string;
}

export interface RouteMatch {
  path?: PathMatch;
  headers?: StringMatch[];
  queryParams?: StringMatch[];
  method?: string;
}

export interface HeaderPair {
  name: string;
  value: string;
}

export interface HeaderModifier {
  set?: HeaderPair[];
  add?: HeaderPair[];
  remove?: string[];
}

export interface RouteFilter {
  type: string;
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: RouteFilter[];
}

export interface RouteRule {
  name?: string;
  matches?: RouteMatch[];
  filters?: RouteFilter[];
  backendRefs?: BackendRef[];
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName: string;
  conditions: Condition[];
}

export interface HTTPRoute {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: { parentRefs?: ParentRef[]; hostnames?: string[]; rules?: RouteRule[] };
  status?: { parents?: RouteParentStatus[] };
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  allowedRoutes?: {
    namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: LabelSelector };
    kinds?: { group?: string; kind: string }[];
  };
}

export interface ListenerStatus {
  name: string;
  supportedKinds: { group?: string; kind: string }[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatus {
  addresses?: { type?: string; value: string }[];
  conditions?: Condition[];
  listeners?: ListenerStatus[];
}

export interface Gateway {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: { gatewayClassName: string; listeners: Listener[]; addresses?: { type?: string; value: string }[] };
  status?: GatewayStatus;
}

export interface GatewayClass {
  metadata: Meta;
  spec: { controllerName: string };
  status?: { conditions?: Condition[] };
}

export interface ReferenceGrant {
  metadata: Meta;
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';

/** "namespace/name": the key every map in the simulator uses. */
export function keyOf(meta: Meta): string {
  return `${meta.namespace ?? ''}/${meta.name}`;
}
