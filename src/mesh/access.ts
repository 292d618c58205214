import type { RunConfig } from '../config/types.js';
import { pluralOf } from '../domain/kube-object.js';
import { READ_KINDS, WRITTEN_KINDS } from '../plan/copy-kinds.js';
import { BASE_CRDS, DEFAULT_TAG_INJECTOR, DEFAULT_VALIDATOR } from './charts.js';

/**
 * The RBAC permissions a run needs, one per (verb, resource, namespace), so preflight can ask
 * the apiserver about each with a SelfSubjectAccessReview (authorization.k8s.io/v1) before
 * anything changes — the way `istioctl x precheck` checks install permissions
 * (istio/istio istioctl/pkg/precheck/precheck.go, checkInstallPermissions). The list follows
 * what the ports do (src/kube: every `site(verb, kind)` call, kept in step by a unit test)
 * and what helm does with the istiod and ztunnel charts (their templates in
 * istio/istio manifests/charts/{istio-control/istio-discovery,ztunnel}/templates), and with
 * the base chart at promote (manifests/charts/base/templates). Creating and binding the roles
 * the charts render needs one of two things, so it is not in this list: holding every rule
 * those roles grant, or `escalate` (with no resourceNames) and `bind` on them; preflight
 * reviews that from the rendered roles (src/mesh/chart-roles.ts).
 */
export interface AccessRequirement {
  readonly verb: string;
  /** API group; '' is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  /** One object by name (RBAC resourceNames); undefined: any. */
  readonly name?: string | undefined;
  /** Undefined: cluster-wide (cluster-scoped kinds, or every namespace). */
  readonly namespace?: string | undefined;
  /** A non-resource URL (an RBAC rule's nonResourceURLs, e.g. /healthz): then group and resource are ''. */
  readonly path?: string | undefined;
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

type Grant = [verbs: string, group: string, resource: string, namespace: string | undefined, why: string, name?: string];

/**
 * Kinds the istiod chart renders in its namespace with the run's values (release-1.30/1.31,
 * `helm template` with the plan's arguments, with and without revisionTags={default}):
 * Deployment, Services (istiod-<rev>, istiod-revision-tag-default), ServiceAccount, three
 * ConfigMaps, Role and RoleBinding, HorizontalPodAutoscaler (autoscaleEnabled is the default);
 * the ztunnel chart: DaemonSet and ServiceAccount. A PodDisruptionBudget is rendered only when
 * replicaCount or autoscaleMin is above 1 (templates/poddisruptionbudget.yaml), which a values
 * file under revisions/ may set, and helm deletes it again when the value goes back.
 */
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

/**
 * Cluster-scoped kinds of the istiod chart: three ClusterRoles and their bindings, the
 * injector's MutatingWebhookConfiguration (and the tag's, at promote), the validator's
 * ValidatingWebhookConfiguration. (A ValidatingAdmissionPolicy only with
 * experimental.stableValidationPolicy, NetworkPolicies only with global.networkPolicy.enabled,
 * and the ztunnel chart's ClusterRole only on platform openshift: see examples/rbac-chart-options.yaml.)
 */
const ISTIOD_CLUSTER: ReadonlyArray<[string, string]> = [
  [RBAC, 'clusterroles'],
  [RBAC, 'clusterrolebindings'],
  [ADMISSION, 'mutatingwebhookconfigurations'],
  [ADMISSION, 'validatingwebhookconfigurations'],
];

/** What helm needs: its release Secrets, the charts' objects (3-way merge: get, create, patch, delete), and --wait. */
function helmGrants(c: RunConfig): Grant[] {
  const istio = c.istio.namespace;
  const why = 'helm install/upgrade/uninstall of istiod and ztunnel';
  return [
    ['get,list,create,update,delete', CORE, 'secrets', istio, 'helm release records (storage driver: Secret)'],
    ['get,create,patch,delete', APPS, 'daemonsets', istio, why],
    ...ISTIOD_NAMESPACED.map(([group, resource]): Grant => ['get,create,patch,delete', group, resource, istio, why]),
    ...ISTIOD_CLUSTER.map(([group, resource]): Grant => ['get,create,patch,delete', group, resource, undefined, why]),
    // helm --wait reads each object back (get) and, for a Deployment, lists its ReplicaSets (pkg/kube/ready.go).
    ['list', CORE, 'pods', istio, 'helm --wait'],
    ['list', APPS, 'replicasets', istio, 'helm --wait'],
  ];
}

/**
 * Promote's `helm upgrade` of istio-base with its own values at its own chart version, to move
 * its defaultRevision: helm reads every object of the release and patches each that differs
 * from the new render (pkg/kube/client.go, update: a 3-way merge per object; with the same
 * version and values that is the validator, but an object edited by hand since is patched
 * back). The base chart renders Istio's CRDs (patch asked by name: the right to patch any CRD
 * of the cluster is not needed), istiod-default-validator and the ServiceAccount
 * istio-reader-service-account in global.istioNamespace; its release records (Secrets) are
 * taken to be in the Istio namespace, where Istio's "Install with Helm" puts istio-base.
 * `get` on the CRDs and `list` of the release Secrets are asked for elsewhere already.
 */
function baseGrants(c: RunConfig): Grant[] {
  const why = 'promote: helm upgrade of istio-base (its defaultRevision), its CRDs, validator and reader ServiceAccount';
  return [
    ...BASE_CRDS.map((name): Grant => ['patch', 'apiextensions.k8s.io', 'customresourcedefinitions', undefined, why, name]),
    ['get,patch', ADMISSION, 'validatingwebhookconfigurations', undefined, why],
    ['get,patch', CORE, 'serviceaccounts', c.istio.namespace, why],
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
    ['list', APPS, 'deployments', c.app.stableNamespace, 'preflight (the pods the copy would create) and the copy'],
    ['list', ADMISSION, 'mutatingwebhookconfigurations', undefined, 'preflight (which sidecar injectors would select the canary)'],
    ['get', ADMISSION, 'validatingwebhookconfigurations', undefined, `preflight and promote (${DEFAULT_VALIDATOR}: which istiod validates Istio config)`],
    ['get', ADMISSION, 'mutatingwebhookconfigurations', undefined, `promote (${DEFAULT_TAG_INJECTOR}: which release holds the default tag)`],
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
    // The copy (plan/copy-kinds.ts): it reads every kind it knows, and writes what it copies.
    ...READ_KINDS.map((k): Grant => ['list', k.group, pluralOf(k.kind), stable, 'read the stable namespace for the canary copy']),
    ...WRITTEN_KINDS.map((k): Grant => ['create,patch', k.group, pluralOf(k.kind), canary, 'apply the canary copy']),
    ['list', APPS, 'deployments', canary, 'wait for the canary workloads'],
    ['list', CORE, 'pods', canary, 'wait for the canary workloads'],
    ['get', APPS, 'daemonsets', c.istio.namespace, 'wait for the canary ztunnel'],
    ['create,patch', GATEWAY, 'referencegrants', canary, 'let the route reach the canary namespace'],
    ['get,patch', GATEWAY, 'httproutes', c.route.namespace, 'shift traffic'],
    ['get,patch', GATEWAY, 'gateways', c.gateway.namespace, 'label the Gateway with the new revision'],
    ['get,list,create,update', CORE, 'configmaps', state, 'the run record'],
    ['get,create,update', 'coordination.k8s.io', 'leases', state, 'the run lock'],
  ];
}

/** Every permission a run needs, each (verb, resource, namespace) once. */
export function requiredAccess(c: RunConfig): AccessRequirement[] {
  const out = new Map<string, AccessRequirement>();
  for (const [verbs, group, full, namespace, why, name] of [...preflightGrants(c), ...runGrants(c), ...helmGrants(c), ...baseGrants(c)]) {
    const [resource, subresource] = full.split('/') as [string, string | undefined];
    for (const verb of verbs.split(',')) {
      const key = accessKey({ verb, group, resource, subresource, namespace, name });
      if (!out.has(key)) out.set(key, { verb, group, resource, subresource, name, namespace, why });
    }
  }
  return [...out.values()];
}

export function accessKey(r: Pick<AccessRequirement, 'verb' | 'group' | 'resource' | 'subresource' | 'namespace' | 'name' | 'path'>): string {
  return `${r.verb} ${namedResource(r)}${r.namespace ? ` -n ${r.namespace}` : ''}`;
}

/** `clusterroles.rbac.authorization.k8s.io/istiod-clusterrole-1-30-3-istio-system`: as `kubectl auth can-i` takes one object. */
export function namedResource(r: Pick<AccessRequirement, 'group' | 'resource' | 'subresource' | 'name' | 'path'>): string {
  if (r.path !== undefined) return r.path;
  return `${resourceName(r)}${r.name ? `/${r.name}` : ''}`;
}

/** `deployments.apps`, `pods/eviction`: how RBAC and `kubectl auth can-i` name a resource. */
export function resourceName(r: Pick<AccessRequirement, 'group' | 'resource' | 'subresource'>): string {
  return `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}`;
}
