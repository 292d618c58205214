import type { V1DaemonSet, V1Deployment, V1Namespace, V1Node, V1ObjectMeta } from '@kubernetes/client-node';
import { isOwned } from '../mesh/labels.js';
import type { DaemonSetFacts, DeploymentFacts, NamespaceFacts, NodeFacts, NodeSelectorRequirement, NodeSelectorTerms, ReleaseFacts } from '../mesh/cluster-facts.js';

/** Pure conversions from API objects to the facts preflight reasons about. */

export const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
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
    release: ds.metadata?.annotations?.[HELM_RELEASE_ANNOTATION],
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
