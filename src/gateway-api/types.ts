/** The parts of Gateway API v1 HTTPRoute we read or write; everything else passes through. */
export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: Filter[];
  [key: string]: unknown;
}

export interface HeaderValue {
  name: string;
  value: string;
}

export interface HeaderModifier {
  set?: HeaderValue[];
  add?: HeaderValue[];
  remove?: string[];
}

export interface Filter {
  type: string;
  responseHeaderModifier?: HeaderModifier;
  requestHeaderModifier?: HeaderModifier;
  [key: string]: unknown;
}

export interface HeaderMatchSpec {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  path?: { type?: string; value?: string };
  headers?: HeaderMatchSpec[];
  queryParams?: unknown[];
  method?: string;
  [key: string]: unknown;
}

export interface RouteRule {
  name?: string;
  matches?: RouteMatch[];
  filters?: Filter[];
  backendRefs?: BackendRef[];
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface RouteParentStatus {
  parentRef: { name: string; namespace?: string; sectionName?: string; [key: string]: unknown };
  controllerName: string;
  conditions?: Condition[];
}

export interface HTTPRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: { name: string; namespace: string; generation?: number; resourceVersion?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec: { parentRefs?: unknown[]; hostnames?: string[]; rules?: RouteRule[]; [key: string]: unknown };
  status?: { parents?: RouteParentStatus[] };
}

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
