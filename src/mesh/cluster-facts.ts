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
  /** `istio.io/rev` from its labels or, as Istio's ztunnel chart sets it, its annotations. */
  readonly revision: string | undefined;
}

/** A pod of a node agent (ztunnel, istio-cni): where it runs and whether it is Ready. */
export interface AgentPodFacts {
  readonly namespace: string;
  readonly name: string;
  readonly node: string | undefined;
  readonly ready: boolean;
  /** The DaemonSet that owns it (`namespace/name`), if any. */
  readonly daemonSet: string | undefined;
}

/**
 * A pod with a sidecar: its `sidecar.istio.io/status` annotation (what istio-cni looks at) or a
 * container named istio-proxy. Either way istio-cni leaves it out of ambient.
 */
export interface SidecarPodFacts {
  readonly namespace: string;
  readonly name: string;
  /** It runs the proxy container (istio-proxy, or the one the status annotation names). */
  readonly proxy: boolean;
  /** That proxy carries ISTIO_META_ENABLE_HBONE, so it can talk to ambient pods over HBONE. */
  readonly hbone: boolean;
  /** The injector's revision, from the status annotation, when it says. */
  readonly revision: string | undefined;
}

/** metav1.LabelSelectorRequirement: the operators a label selector (not a node selector) has. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | undefined;
}

/** metav1.LabelSelector: every matchLabels pair and every requirement must hold. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | undefined;
}

/** admissionregistration.k8s.io/v1 RuleWithOperations. */
export interface WebhookRule {
  readonly operations: readonly string[];
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly scope: string | undefined;
}

/** One webhook of a MutatingWebhookConfiguration, as the apiserver decides whether to call it. */
export interface MutatingWebhookFacts {
  readonly name: string;
  readonly service: { readonly namespace: string; readonly name: string; readonly path: string | undefined } | undefined;
  readonly url: string | undefined;
  readonly rules: readonly WebhookRule[];
  readonly matchPolicy: string | undefined;
  readonly failurePolicy: string | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly objectSelector: LabelSelector | undefined;
  /** Names of its matchConditions (CEL, evaluated by the apiserver after the selectors). */
  readonly matchConditions: readonly string[];
}

export interface WebhookConfigurationFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly webhooks: readonly MutatingWebhookFacts[];
}

/**
 * A webhook configuration Istio's charts install once per cluster under a fixed name (istio-base's
 * istiod-default-validator, the `default` tag's istio-revision-tag-default), as promote decides
 * about it: the Helm release that owns it (helm's ownership annotations meta.helm.sh/release-name
 * and release-namespace, set on every object it applies: helm pkg/action/validate.go), the
 * revision its istio.io/rev label names, and the Services its webhooks call.
 */
export interface SingletonWebhookFacts {
  readonly name: string;
  /** Both ownership annotations, or undefined: not installed by Helm (istioctl, kubectl). */
  readonly release: { readonly name: string; readonly namespace: string } | undefined;
  readonly revision: string | undefined;
  readonly services: readonly { readonly namespace: string; readonly name: string }[];
}

/** The run lock as stored (coordination.k8s.io Lease); read, never taken, by preflight. */
export interface LeaseFacts {
  readonly namespace: string;
  readonly name: string;
  readonly holder: string | undefined;
  readonly acquiredAt: string | undefined;
  readonly renewedAt: string | undefined;
  readonly durationSeconds: number | undefined;
}

/** A CRD version the run uses, e.g. HTTPRoute at v1: `httproutes.gateway.networking.k8s.io` v1. */
export interface ServedKind {
  readonly crd: string;
  readonly version: string;
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
  /** istio-base's ValidatingWebhookConfiguration istiod-default-validator, when there is one. */
  readonly defaultValidator: SingletonWebhookFacts | undefined;
  /** The `default` tag's MutatingWebhookConfiguration istio-revision-tag-default, when there is one. */
  readonly defaultTagInjector: SingletonWebhookFacts | undefined;
}

/**
 * What only preflight reads, apart from ClusterFacts because it is heavier (every pod in the
 * cluster is scanned for sidecars) and the phases that re-inspect the cluster never need it.
 */
export interface MeshFacts {
  /** Every namespace, for the checks that look across the mesh (injection and ambient labels). */
  readonly namespaces: readonly NamespaceFacts[];
  /** The istio-cni DaemonSet, in whichever namespace it lives (kube-system on some platforms). */
  readonly cni: DaemonSetFacts | undefined;
  /** Its ConfigMap `istio-cni-config` (AMBIENT_ENABLED, CURRENT_AGENT_VERSION), when readable. */
  readonly cniConfig: Readonly<Record<string, string>> | undefined;
  /** Pods of the ztunnel and istio-cni DaemonSets. */
  readonly agentPods: readonly AgentPodFacts[];
  /** Pods anywhere in the cluster with a sidecar (ztunnel's own pods are not). */
  readonly sidecars: readonly SidecarPodFacts[];
  /** Every MutatingWebhookConfiguration: which sidecar injectors would select the canary's pods. */
  readonly mutatingWebhooks: readonly WebhookConfigurationFacts[];
  /** The stable namespace's objects as the copy reads them (kube/namespace-objects.ts): what the copy would write, and the canary pods it would create. */
  readonly stableObjects: readonly KubeObject[];
  /** The probed CRD versions the apiserver serves, as `crd/version` (see servedKey). */
  readonly served: readonly string[];
  readonly lease: LeaseFacts | undefined;
}

export interface InspectQuery {
  readonly istioNamespace: string;
  readonly namespaces: readonly string[];
  readonly route: { readonly namespace: string; readonly name: string };
  readonly gateway: { readonly namespace: string; readonly name: string };
}

export interface MeshQuery {
  readonly istioNamespace: string;
  /** Whose Deployments the canary copies. */
  readonly stableNamespace: string;
  /** The run lock, read without taking it. */
  readonly lease: { readonly namespace: string; readonly name: string };
  /** CRD versions the run depends on. */
  readonly served: readonly ServedKind[];
}

/** `httproutes.gateway.networking.k8s.io/v1` */
export function servedKey(k: ServedKind): string {
  return `${k.crd}/${k.version}`;
}
