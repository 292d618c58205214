/**
 * What the canary copy does with each kind of object in the stable namespace, in one place
 * (issue 13): copy it as it is, copy it with references rewritten, leave it out because
 * something else makes it, or refuse it because no copy can reproduce it faithfully (the user
 * may accept the difference by name: `copy.skip`). The rows are in apply order: what pods run
 * as, mount and are protected by comes before the pods, so no canary pod ever runs for an
 * instant with less protection than the stable's.
 */

export type CopyAction = 'copy' | 'rewrite' | 'leave' | 'refuse';

export interface CopyKind {
  /** API group ('' for the core group). */
  readonly group: string;
  /** The version the copy lists and writes. */
  readonly version: string;
  readonly kind: string;
  readonly action: CopyAction;
  /** Why, as a person reads it in the plan. */
  readonly why: string;
}

const core = (kind: string, action: CopyAction, why: string): CopyKind => ({ group: '', version: 'v1', kind, action, why });
const of = (group: string, version: string) => (kind: string, action: CopyAction, why: string): CopyKind => ({ group, version, kind, action, why });
const apps = of('apps', 'v1');
const security = of('security.istio.io', 'v1');
const networking = of('networking.istio.io', 'v1');
const gateway = of('gateway.networking.k8s.io', 'v1');

export const COPY_KINDS: readonly CopyKind[] = [
  core('ServiceAccount', 'copy', 'the identity the pods run as (its token Secrets are not copied: Kubernetes makes its own)'),
  core('Secret', 'copy', 'what the pods mount or read; names only appear in any output, never values'),
  core('ConfigMap', 'copy', 'what the pods mount or read; a reference to the stable namespace in its text is reported, not rewritten'),
  of('rbac.authorization.k8s.io', 'v1')('Role', 'copy', 'the permissions the pods use'),
  of('rbac.authorization.k8s.io', 'v1')('RoleBinding', 'rewrite', "the app's ServiceAccounts as subjects: subjects in the stable namespace become the canary's"),
  of('networking.k8s.io', 'v1')('NetworkPolicy', 'rewrite', 'who may reach the pods: a namespace selector naming the stable namespace names the canary'),
  security('PeerAuthentication', 'copy', 'the mTLS mode the pods require'),
  security('RequestAuthentication', 'copy', 'the tokens the pods accept'),
  security('AuthorizationPolicy', 'rewrite', 'who may call the pods: sources and principals of the stable namespace become the canary'),
  of('telemetry.istio.io', 'v1')('Telemetry', 'copy', "the pods' metrics, logs and traces"),
  networking('Sidecar', 'rewrite', 'egress hosts: `<stable>/…` becomes `<canary>/…`'),
  networking('ServiceEntry', 'copy', 'outside services the pods call'),
  networking('DestinationRule', 'rewrite', "traffic policy: a host in the stable namespace's DNS becomes the canary's"),
  networking('VirtualService', 'rewrite', "routing: hosts in the stable namespace's DNS become the canary's"),
  gateway('Gateway', 'rewrite', 'a waypoint (class istio-waypoint) is copied for the new revision (istio.io/rev=<to>); any other Gateway is refused'),
  core('Service', 'rewrite', 'the names the pods answer to; istio.io/use-waypoint-namespace naming the stable namespace names the canary'),
  gateway('HTTPRoute', 'rewrite', 'L7 routing at the waypoint: parents and backends in the stable namespace become the canary'),
  gateway('GRPCRoute', 'rewrite', 'L7 routing at the waypoint: parents and backends in the stable namespace become the canary'),
  of('policy', 'v1')('PodDisruptionBudget', 'copy', 'how many pods a drain may take'),
  apps('Deployment', 'copy', 'the pods, pinned to the canary nodes'),
  apps('StatefulSet', 'copy', 'the pods, pinned to the canary nodes; its volume claims get new, empty volumes (the data is not copied)'),
  of('autoscaling', 'v2')('HorizontalPodAutoscaler', 'copy', 'scaling, aimed at the copy (the target is named in the namespace)'),
  // Made by Kubernetes or by the pods themselves; a copy would fight its maker.
  core('Endpoints', 'leave', 'made by Kubernetes for each Service'),
  of('discovery.k8s.io', 'v1')('EndpointSlice', 'leave', 'made by Kubernetes for each Service'),
  core('Event', 'leave', 'what happened to the stable objects'),
  of('events.k8s.io', 'v1')('Event', 'leave', 'what happened to the stable objects'),
  of('coordination.k8s.io', 'v1')('Lease', 'leave', 'runtime state (leader election) the canary pods make for themselves'),
  apps('ControllerRevision', 'leave', 'made by the StatefulSet and DaemonSet controllers'),
  apps('ReplicaSet', 'leave', 'made by each Deployment (one without an owner is refused: nothing would make it again)'),
  of('gateway.networking.k8s.io', 'v1beta1')('ReferenceGrant', 'leave', 'the run gives the canary namespace its own, for the route'),
  core('Pod', 'leave', "made by the copied controllers (one without a controller is refused: no copy would make it)"),
  core('PersistentVolumeClaim', 'leave', "made by a StatefulSet's claims (one a pod mounts on its own holds data no copy has: refused)"),
  // No copy reproduces these faithfully.
  of('batch', 'v1')('Job', 'refuse', 'a copy would run it again, side effects and all'),
  of('batch', 'v1')('CronJob', 'refuse', 'a copy would run every schedule twice, side effects and all'),
  apps('DaemonSet', 'refuse', 'a pod on every node, not only the canary nodes: it cannot be pinned like a copy'),
  of('networking.k8s.io', 'v1')('Ingress', 'refuse', 'a second Ingress for the same hosts would fight the stable one for them'),
  core('ReplicationController', 'refuse', 'not copied: replace it with a Deployment'),
];

/** The row of an object's kind, or undefined: a kind the table does not know is refused, as an unknown custom resource. */
export function copyKindOf(apiVersion: string, kind: string): CopyKind | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return COPY_KINDS.find((k) => k.group === group && k.kind === kind);
}

/** The kinds the copy writes, in apply order. */
export const WRITTEN_KINDS: readonly CopyKind[] = COPY_KINDS.filter((k) => k.action === 'copy' || k.action === 'rewrite');

/** Only ever runtime state, owned, or noise (events, endpoints, leases, revisions): the copy has nothing to decide about them, so it does not read them. */
const RUNTIME = new Set(['Event', 'Endpoints', 'EndpointSlice', 'Lease', 'ControllerRevision']);

/** The kinds the copy (and preflight) read in the stable namespace: every kind it knows but runtime state. */
export const READ_KINDS: readonly CopyKind[] = COPY_KINDS.filter((k) => !RUNTIME.has(k.kind));

export function apiVersionOf(k: CopyKind): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}
