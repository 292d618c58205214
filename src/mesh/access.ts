import type { RunConfig } from '../config/types.js';

/**
 * The RBAC permissions a run needs, one per (verb, resource, namespace), so preflight can ask
 * the apiserver about each with a SelfSubjectAccessReview (authorization.k8s.io/v1) before
 * anything changes — the way `istioctl x precheck` checks install permissions
 * (istio/istio istioctl/pkg/precheck/precheck.go, checkInstallPermissions). The list follows
 * what the ports do (src/kube: every `site(verb, kind)` call, kept in step by a unit test)
 * and what helm does with the istiod and ztunnel charts (their templates in
 * istio/istio manifests/charts/{istio-control/istio-discovery,ztunnel}/templates).
 */
export interface AccessRequirement {
  readonly verb: string;
  /** API group; '' is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  /** Undefined: cluster-wide (cluster-scoped kinds, or every namespace). */
  readonly namespace?: string | undefined;
  /** Which part of the run needs it, for the message. */
  readonly why: string;
}

export interface AccessAnswer extends AccessRequirement {
  readonly allowed: boolean;
  /** The authorizer's reason, when it gave one. */
  readonly reason?: string | undefined;
}

/** What the access reviews found, and which cluster answered them. */
export interface AccessFacts {
  readonly context: string;
  readonly server: string;
  readonly answers: readonly AccessAnswer[];
}

const CORE = '';
const APPS = 'apps';
const GATEWAY = 'gateway.networking.k8s.io';
const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';

type Grant = [verbs: string, group: string, resource: string, namespace: string | undefined, why: string];

/** Kinds the istiod chart renders in its namespace (Deployment, Service, PDB, HPA, RBAC, ConfigMaps). */
const ISTIOD_NAMESPACED: ReadonlyArray<[string, string]> = [
  [APPS, 'deployments'],
  [CORE, 'services'],
  [CORE, 'serviceaccounts'],
  [CORE, 'configmaps'],
  [RBAC, 'roles'],
  [RBAC, 'rolebindings'],
  ['policy', 'poddisruptionbudgets'],
  ['autoscaling', 'horizontalpodautoscalers'],
];

/** Cluster-scoped kinds of the istiod chart (its ClusterRoles and webhooks). */
const ISTIOD_CLUSTER: ReadonlyArray<[string, string]> = [
  [RBAC, 'clusterroles'],
  [RBAC, 'clusterrolebindings'],
  [ADMISSION, 'mutatingwebhookconfigurations'],
  [ADMISSION, 'validatingwebhookconfigurations'],
];

/** What helm needs: its release Secrets, the charts' objects (3-way merge: get, create, patch, delete), and --wait. */
function helmGrants(istio: string): Grant[] {
  const why = 'helm install/upgrade/uninstall of istiod and ztunnel';
  return [
    ['get,list,create,update,delete', CORE, 'secrets', istio, 'helm release records (storage driver: Secret)'],
    ['get,create,patch,delete', APPS, 'daemonsets', istio, why],
    ...ISTIOD_NAMESPACED.map(([group, resource]): Grant => ['get,create,patch,delete', group, resource, istio, why]),
    ...ISTIOD_CLUSTER.map(([group, resource]): Grant => ['get,create,patch,delete', group, resource, undefined, why]),
    ['list', CORE, 'pods', istio, 'helm --wait'],
    ['list', APPS, 'replicasets', istio, 'helm --wait'],
  ];
}

/** Reads preflight itself makes (src/kube/inspect.ts). */
function preflightGrants(c: RunConfig): Grant[] {
  const why = 'preflight';
  return [
    ['list', CORE, 'nodes', undefined, why],
    ['list', CORE, 'namespaces', undefined, why],
    ['list', CORE, 'pods', undefined, 'preflight (sidecars and node agents) and drain'],
    ['list', APPS, 'daemonsets', undefined, 'preflight (istio-cni, in any namespace)'],
    ['list', APPS, 'deployments', c.istio.namespace, why],
    ['list,get', 'apiextensions.k8s.io', 'customresourcedefinitions', undefined, why],
    ['get', CORE, 'configmaps', c.istio.namespace, 'preflight (istio-cni-config)'],
  ];
}

/** What the procedure changes (src/kube: nodes, drain, workloads, clone, route store, run store, lease lock). */
function runGrants(c: RunConfig): Grant[] {
  const { stableNamespace: stable, canaryNamespace: canary } = c.app;
  const state = c.state.namespace;
  return [
    ['get,patch', CORE, 'nodes', undefined, 'label, taint and cordon canary nodes'],
    ['create', CORE, 'pods/eviction', undefined, 'drain canary nodes (Eviction API)'],
    ['get,create,patch,delete', CORE, 'namespaces', undefined, 'create the canary namespace, remove the old one at promote'],
    ['list', CORE, 'serviceaccounts', stable, 'copy the stable workloads'],
    ['list', CORE, 'configmaps', stable, 'copy the stable workloads'],
    ['list', CORE, 'services', stable, 'copy the stable workloads'],
    ['list', APPS, 'deployments', stable, 'copy the stable workloads'],
    ['create,patch', CORE, 'serviceaccounts', canary, 'apply the canary workloads'],
    ['create,patch', CORE, 'configmaps', canary, 'apply the canary workloads'],
    ['create,patch', CORE, 'services', canary, 'apply the canary workloads'],
    ['create,patch,list', APPS, 'deployments', canary, 'apply the canary workloads and wait for them'],
    ['list', CORE, 'pods', canary, 'wait for the canary workloads'],
    ['get', APPS, 'daemonsets', c.istio.namespace, 'wait for the canary ztunnel'],
    ['create,patch', GATEWAY, 'referencegrants', stable, 'let the route reach the canary namespace'],
    ['get,patch', GATEWAY, 'httproutes', c.route.namespace, 'shift traffic'],
    ['get,patch', GATEWAY, 'gateways', c.gateway.namespace, 'label the Gateway with the new revision'],
    ['get,list,create,update', CORE, 'configmaps', state, 'the run record'],
    ['get,create,update', 'coordination.k8s.io', 'leases', state, 'the run lock'],
  ];
}

/** Every permission a run needs, each (verb, resource, namespace) once. */
export function requiredAccess(c: RunConfig): AccessRequirement[] {
  const out = new Map<string, AccessRequirement>();
  for (const [verbs, group, full, namespace, why] of [...preflightGrants(c), ...runGrants(c), ...helmGrants(c.istio.namespace)]) {
    const [resource, subresource] = full.split('/') as [string, string | undefined];
    for (const verb of verbs.split(',')) {
      const key = accessKey({ verb, group, resource, subresource, namespace });
      if (!out.has(key)) out.set(key, { verb, group, resource, subresource, namespace, why });
    }
  }
  return [...out.values()];
}

export function accessKey(r: Pick<AccessRequirement, 'verb' | 'group' | 'resource' | 'subresource' | 'namespace'>): string {
  return `${r.verb} ${resourceName(r)}${r.namespace ? ` -n ${r.namespace}` : ''}`;
}

/** `deployments.apps`, `pods/eviction`: how RBAC and `kubectl auth can-i` name a resource. */
export function resourceName(r: Pick<AccessRequirement, 'group' | 'resource' | 'subresource'>): string {
  return `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}`;
}
