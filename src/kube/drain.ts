import type { V1Pod } from '@kubernetes/client-node';
import { NotFoundError } from '../domain/conflict.js';
import { InfraError } from '../domain/errors.js';
import type { KubeClient } from './client.js';
import { DisruptionBudgetError, site } from './errors.js';
import { done, notYet, pollUntil, PollTimeout, systemClock, type Clock } from './poll.js';
import type { DrainReport } from './ports.js';
import { DATAPLANE_MODE } from '../mesh/labels.js';

export interface DrainOptions {
  readonly timeoutMs: number;
  /** How long to wait between attempts while a PodDisruptionBudget refuses, and between looks. */
  readonly pollMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function podName(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Which pods stay. Like kubectl drain: DaemonSet pods (their controller ignores cordons)
 * and static (mirror) pods. Unlike it: pods outside the ambient mesh, because a node's
 * ztunnel swap does not touch them — evicting them would only add disruption (and a
 * single-replica istiod's PodDisruptionBudget would block the drain for nothing).
 */
export function drainSkips(pod: V1Pod, ambientNamespaces: ReadonlySet<string>): boolean {
  const daemon = (pod.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.kind === 'DaemonSet');
  return daemon || pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined || !inAmbientMesh(pod, ambientNamespaces);
}

/** Enrolled by its own label, or by its namespace's unless the pod opts out with `none`. */
export function inAmbientMesh(pod: V1Pod, ambientNamespaces: ReadonlySet<string>): boolean {
  const own = pod.metadata?.labels?.[DATAPLANE_MODE];
  if (own !== undefined) return own === 'ambient';
  return ambientNamespaces.has(pod.metadata?.namespace ?? '');
}

type Eviction = { readonly pod: string; readonly blockedBy: string | undefined };

/**
 * Evicts every pod of the ambient mesh on the node but DaemonSet and mirror pods through
 * the Eviction API, so
 * PodDisruptionBudgets hold: a refusal (429) is retried until the deadline. Then waits until
 * the evicted pods are gone. At the deadline, names the pods still there and what blocks them.
 */
export async function drainNode(client: KubeClient, node: string, o: DrainOptions, signal: AbortSignal): Promise<DrainReport> {
  const clock = o.clock ?? systemClock;
  const deadline = clock.now() + o.timeoutMs;
  const [pods, ambient] = await Promise.all([podsOn(client, node, signal), ambientNamespaces(client, signal)]);
  const evict = pods.filter((p) => !drainSkips(p, ambient));
  const results = await Promise.all(evict.map((p) => evictUntil(client, p, deadline, o, signal)));
  const blocked = results.filter((r) => r.blockedBy !== undefined);
  if (blocked.length > 0) throw drainTimeout(node, o.timeoutMs, blocked.map((b) => b.pod), blocked.map((b) => `${b.pod}: ${b.blockedBy}`));
  await waitGone(client, node, new Set(evict.map((p) => p.metadata?.uid ?? '')), deadline, o, signal);
  return { evicted: evict.map(podName), skipped: pods.filter((p) => drainSkips(p, ambient)).map(podName) };
}

async function ambientNamespaces(client: KubeClient, signal: AbortSignal): Promise<Set<string>> {
  const list = await client.call(site('list', 'Namespace'), signal, () => client.core.listNamespace({ labelSelector: `${DATAPLANE_MODE}=ambient` }));
  return new Set(list.items.map((n) => n.metadata?.name ?? ''));
}

async function podsOn(client: KubeClient, node: string, signal: AbortSignal): Promise<V1Pod[]> {
  const list = await client.call(site('list', 'Pod'), signal, () => client.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }));
  return list.items;
}

async function evictUntil(client: KubeClient, pod: V1Pod, deadline: number, o: DrainOptions, signal: AbortSignal): Promise<Eviction> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  // A pod already being deleted needs no eviction: we only wait for it to go.
  if (pod.metadata?.deletionTimestamp !== undefined) return { pod: podName(pod), blockedBy: undefined };
  const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
  const tryEvict = async () => {
    try {
      await client.call(site('create', 'Eviction', namespace, name), signal, () => client.core.createNamespacedPodEviction({ name, namespace, body }));
      return done(undefined);
    } catch (err) {
      if (err instanceof NotFoundError) return done(undefined);
      if (err instanceof DisruptionBudgetError) return notYet<undefined>(err.refusal);
      throw err;
    }
  };
  try {
    await pollUntil(tryEvict, { timeoutMs: Math.max(0, deadline - (o.clock ?? systemClock).now()), intervalMs: o.pollMs ?? 1_000, signal, clock: o.clock });
    return { pod: podName(pod), blockedBy: undefined };
  } catch (err) {
    if (err instanceof PollTimeout) return { pod: podName(pod), blockedBy: err.why };
    throw err;
  }
}

async function waitGone(client: KubeClient, node: string, uids: ReadonlySet<string>, deadline: number, o: DrainOptions, signal: AbortSignal): Promise<void> {
  if (uids.size === 0) return;
  const look = async () => {
    const left = (await podsOn(client, node, signal)).filter((p) => uids.has(p.metadata?.uid ?? ''));
    return left.length === 0 ? done(undefined) : notYet<undefined>(left.map(podName).join(', '));
  };
  try {
    await pollUntil(look, { timeoutMs: Math.max(0, deadline - (o.clock ?? systemClock).now()), intervalMs: o.pollMs ?? 1_000, signal, clock: o.clock });
  } catch (err) {
    if (err instanceof PollTimeout) throw drainTimeout(node, o.timeoutMs, err.why.split(', '), ['evicted but still terminating (a long terminationGracePeriodSeconds or a stuck finalizer)']);
    throw err;
  }
}

function drainTimeout(node: string, timeoutMs: number, pods: readonly string[], why: readonly string[]): InfraError {
  return new InfraError(`drain of node ${node} did not finish within ${Math.round(timeoutMs / 1000)}s: pods still there: ${pods.join(', ')}. Why: ${why.join('; ')}`, {
    object: `Node ${node}`,
    fix: 'let the PodDisruptionBudget allow one more disruption (scale the workload up), pick other --canary-nodes, or raise the drain timeout',
  });
}
