import type { V1Container, V1DaemonSet, V1Deployment, V1Lease, V1Namespace, V1Node, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { isOwned, REV } from '../mesh/labels.js';
import { HELM_RELEASE_NAME } from '../mesh/webhook-facts.js';
import type {
  AgentPodFacts,
  DaemonSetFacts,
  DeploymentFacts,
  LeaseFacts,
  NamespaceFacts,
  NodeFacts,
  NodeSelectorRequirement,
  NodeSelectorTerms,
  ReleaseFacts,
  SidecarPodFacts,
} from '../mesh/cluster-facts.js';

/** MutatingWebhookConfigurations are mapped by mesh/webhook-facts.ts: preflight maps rendered charts the same way. */
export { singletonWebhookFacts, webhookConfigurationFacts } from '../mesh/webhook-facts.js';

/** Pure conversions from API objects to the facts preflight reasons about. */

const GROUPS_KEPT = ['gateway.networking.k8s.io', 'istio.io'];

export function nodeFacts(node: V1Node): NodeFacts {
  const ready = (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return {
    name: node.metadata?.name ?? '',
    labels: { ...(node.metadata?.labels ?? {}) },
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    unschedulable: node.spec?.unschedulable === true,
    ready,
  };
}

export function namespaceFacts(ns: V1Namespace): NamespaceFacts {
  return {
    name: ns.metadata?.name ?? '',
    labels: { ...(ns.metadata?.labels ?? {}) },
    terminating: ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp !== undefined,
  };
}

/** istiod's settings live in the env of its `discovery` container (the chart's name for it). */
export function deploymentFacts(d: V1Deployment): DeploymentFacts {
  const containers = d.spec?.template.spec?.containers ?? [];
  const container = containers.find((c) => c.name === 'discovery') ?? containers[0];
  const env: Record<string, string> = {};
  for (const e of container?.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    labels: { ...(d.metadata?.labels ?? {}) },
    replicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    env,
  };
}

export function daemonSetFacts(ds: V1DaemonSet): DaemonSetFacts {
  const pod = ds.spec?.template.spec;
  const terms = pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return {
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    labels: { ...(ds.metadata?.labels ?? {}) },
    nodeSelector: { ...(pod?.nodeSelector ?? {}) },
    requiredAffinity: terms === undefined ? undefined : requiredTerms(terms),
    desired: ds.status?.desiredNumberScheduled ?? 0,
    ready: ds.status?.numberReady ?? 0,
    updated: ds.status?.updatedNumberScheduled ?? 0,
    release: ds.metadata?.annotations?.[HELM_RELEASE_NAME],
    // Istio's ztunnel chart puts the revision in an annotation on the DaemonSet, not a label.
    revision: ds.metadata?.labels?.[REV] ?? ds.metadata?.annotations?.[REV],
  };
}

function requiredTerms(terms: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[]): NodeSelectorTerms {
  return terms.map((t) => ({
    matchExpressions: t.matchExpressions?.map((e): NodeSelectorRequirement => ({
      key: e.key,
      operator: e.operator as NodeSelectorRequirement['operator'],
      values: e.values,
    })),
  }));
}

/** A ztunnel DaemonSet by label or by pod selector: the selector is fixed by the chart, labels vary. */
export function isZtunnel(ds: V1DaemonSet): boolean {
  return ds.metadata?.labels?.['app'] === 'ztunnel' || ds.spec?.selector.matchLabels?.['app'] === 'ztunnel';
}

export function keptCrd(name: string): boolean {
  return GROUPS_KEPT.some((g) => name.endsWith(`.${g}`));
}

/**
 * Helm keeps one Secret per release version (`sh.helm.release.v1.NAME.vN`, labels owner=helm,
 * name, status, version); the newest version is the release's state. `owned` says whether
 * that Secret carries our ownership label (`helm --labels`), so a revert may remove it.
 */
export function releaseFacts(secrets: readonly V1ObjectMeta[]): ReleaseFacts[] {
  const latest = new Map<string, V1ObjectMeta>();
  for (const meta of secrets) {
    const name = meta.labels?.['name'];
    if (!name) continue;
    const current = latest.get(name);
    if (!current || releaseVersion(meta) > releaseVersion(current)) latest.set(name, meta);
  }
  return [...latest.entries()]
    .map(([name, meta]) => ({ name, namespace: meta.namespace ?? '', owned: isOwned(meta.labels), status: meta.labels?.['status'] ?? 'unknown' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function releaseVersion(meta: V1ObjectMeta): number {
  const v = Number(meta.labels?.['version']);
  return Number.isFinite(v) ? v : 0;
}

function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A ztunnel or istio-cni pod: its node, readiness, and owning DaemonSet (`namespace/name`). */
export function agentPodFacts(pod: V1Pod): AgentPodFacts {
  const namespace = pod.metadata?.namespace ?? '';
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.kind === 'DaemonSet');
  return { namespace, name: pod.metadata?.name ?? '', node: pod.spec?.nodeName || undefined, ready: podReady(pod) && !pod.metadata?.deletionTimestamp, daemonSet: owner ? `${namespace}/${owner.name}` : undefined };
}

export const SIDECAR_CONTAINER = 'istio-proxy';
/** Proxy metadata the injector renders as env; Istio's ambient profile sets it for every sidecar. */
export const HBONE_ENV = 'ISTIO_META_ENABLE_HBONE';
/** Set by istiod's injector on every pod it injects (pkg/kube/inject/inject.go, SidecarInjectionStatus). */
export const SIDECAR_STATUS = 'sidecar.istio.io/status';

/** The injector's record: which containers it added, and for which revision. Unreadable: nothing known. */
function injectionStatus(annotation: string | undefined): { containers: string[]; revision: string | undefined } {
  try {
    const parsed = JSON.parse(annotation ?? '') as { containers?: unknown; revision?: unknown };
    const containers = Array.isArray(parsed.containers) ? parsed.containers.filter((c): c is string => typeof c === 'string') : [];
    return { containers, revision: typeof parsed.revision === 'string' && parsed.revision !== '' ? parsed.revision : undefined };
  } catch {
    return { containers: [], revision: undefined };
  }
}

/**
 * A ztunnel pod: labelled app=ztunnel (istio-cni's IsZtunnelPod, cni/pkg/util/podutil.go, also
 * asks for the Istio system namespace) and run by a DaemonSet, in whatever namespace: the real
 * ztunnel chart names its container istio-proxy, and a mesh's ztunnel need not live in the
 * run's Istio namespace (another mesh's, a test's). One that carries istiod's status
 * annotation was injected, so it is a sidecar pod whatever its labels say.
 */
export function isZtunnelPod(pod: V1Pod): boolean {
  const daemon = (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet');
  return daemon && pod.metadata?.labels?.['app'] === 'ztunnel' && pod.metadata.annotations?.[SIDECAR_STATUS] === undefined;
}

/**
 * A pod with a sidecar, as istio-cni tells one (cni/pkg/util/podutil.go, podHasSidecar: the
 * `sidecar.istio.io/status` annotation; such a pod is left out of ambient), or a container or
 * native sidecar (an init container with restartPolicy Always, Istio's default since 1.27)
 * named istio-proxy. ztunnel's own pods are not sidecars.
 */
export function sidecarFacts(pod: V1Pod): SidecarPodFacts | undefined {
  if (isZtunnelPod(pod)) return undefined;
  const annotation = pod.metadata?.annotations?.[SIDECAR_STATUS];
  const status = injectionStatus(annotation);
  const names = new Set([SIDECAR_CONTAINER, ...status.containers]);
  const all: V1Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const proxy = all.find((c) => c.name === SIDECAR_CONTAINER) ?? all.find((c) => names.has(c.name));
  if (!proxy && annotation === undefined) return undefined;
  const hbone = (proxy?.env ?? []).some((e) => e.name === HBONE_ENV && e.value !== 'false');
  return { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', proxy: proxy !== undefined, hbone, revision: status.revision };
}

/** Lease times arrive as Dates or strings depending on the client path; facts carry ISO strings. */
function iso(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function leaseFacts(lease: V1Lease): LeaseFacts {
  return {
    namespace: lease.metadata?.namespace ?? '',
    name: lease.metadata?.name ?? '',
    holder: lease.spec?.holderIdentity || undefined,
    acquiredAt: iso(lease.spec?.acquireTime),
    renewedAt: iso(lease.spec?.renewTime),
    durationSeconds: lease.spec?.leaseDurationSeconds,
  };
}
