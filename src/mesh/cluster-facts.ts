import type { KubeObject } from '../domain/kube-object.js';
import type { HTTPRoute } from '../gateway-api/types.js';

/** What preflight, doctor and node selection read from the cluster, gathered in one pass. */
export interface Taint {
  readonly key: string;
  readonly value?: string | undefined;
  readonly effect: string;
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: readonly string[] | undefined;
}

/** Required node affinity: a node matches when any term matches (all its requirements). */
export type NodeSelectorTerms = readonly { readonly matchExpressions?: readonly NodeSelectorRequirement[] | undefined }[];

export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly ready: boolean;
}

export interface DeploymentFacts {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** Environment of the first container, for istiod's PILOT_ENABLE_AMBIENT and friends. */
  readonly env: Readonly<Record<string, string>>;
}

export interface DaemonSetFacts {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly requiredAffinity: NodeSelectorTerms | undefined;
  readonly desired: number;
  readonly ready: number;
  readonly updated: number;
  /** The Helm release that owns it (meta.helm.sh/release-name), if any. */
  readonly release: string | undefined;
}

export interface NamespaceFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly terminating: boolean;
}

export interface ReleaseFacts {
  readonly name: string;
  readonly namespace: string;
  /** Installed with our ownership label (`helm --labels`), so we may remove it. */
  readonly owned: boolean;
  readonly status: string;
}

export interface ClusterFacts {
  readonly serverVersion: string;
  readonly nodes: readonly NodeFacts[];
  /** Namespaces the run names (istio, stable, canary, route, gateway, state); absent ones are missing. */
  readonly namespaces: Readonly<Record<string, NamespaceFacts>>;
  readonly istiods: readonly DeploymentFacts[];
  readonly ztunnels: readonly DaemonSetFacts[];
  readonly cni: DaemonSetFacts | undefined;
  readonly crds: readonly string[];
  readonly route: HTTPRoute | undefined;
  readonly gateway: KubeObject | undefined;
  readonly releases: readonly ReleaseFacts[];
}

export interface InspectQuery {
  readonly istioNamespace: string;
  readonly namespaces: readonly string[];
  readonly route: { readonly namespace: string; readonly name: string };
  readonly gateway: { readonly namespace: string; readonly name: string };
}
