import type { V1DaemonSet, V1Deployment, V1Pod } from '@kubernetes/client-node';

/** Pure readiness judgements: undefined when ready, else why not (for the timeout message). */

interface Condition {
  type: string;
  status: string;
  reason?: string | undefined;
  message?: string | undefined;
}

/** Conditions that explain a stall: any False one, and Progressing that gave up. */
function badConditions(conditions: readonly Condition[] | undefined): string[] {
  return (conditions ?? [])
    .filter((c) => c.status === 'False' || c.reason === 'ProgressDeadlineExceeded' || (c.type === 'ReplicaFailure' && c.status === 'True'))
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
}

/** Rolled out: the controller saw the latest spec, every replica is updated and available, no old pods remain. */
export function rolloutProblem(d: V1Deployment): string | undefined {
  const generation = d.metadata?.generation ?? 0;
  const observed = d.status?.observedGeneration ?? 0;
  if (observed < generation) return `generation ${generation} not yet observed by the controller (at ${observed})`;
  const want = d.spec?.replicas ?? 1;
  const updated = d.status?.updatedReplicas ?? 0;
  const available = d.status?.availableReplicas ?? 0;
  const total = d.status?.replicas ?? 0;
  if (updated === want && available === want && total === want) return undefined;
  const counts = `${updated}/${want} updated, ${available}/${want} available${total > want ? `, ${total - want} old pods terminating` : ''}`;
  const why = badConditions(d.status?.conditions);
  return why.length === 0 ? counts : `${counts}; ${why.join('; ')}`;
}

/**
 * `numberReady == desiredNumberScheduled == expected > 0`, all pods on the current template.
 * helm --wait passes a DaemonSet that matches no node, so zero desired is never ready.
 */
export function daemonSetProblem(ds: V1DaemonSet, expected: number): string | undefined {
  const generation = ds.metadata?.generation ?? 0;
  const observed = ds.status?.observedGeneration ?? 0;
  if (observed < generation) return `generation ${generation} not yet observed by the controller (at ${observed})`;
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const ready = ds.status?.numberReady ?? 0;
  const updated = ds.status?.updatedNumberScheduled ?? 0;
  if (expected > 0 && desired === expected && ready === expected && updated === expected) return undefined;
  const counts = `desired ${desired} (expected ${expected}), ready ${ready}, updated ${updated}`;
  if (desired === 0) return `${counts}: it matches no node; check the canary nodes carry the node label its nodeSelector asks for, and that it tolerates their taints`;
  return counts;
}

/** What keeps pods from running, for a rollout timeout: unschedulable, or a container stuck waiting. */
export function podProblems(pods: readonly V1Pod[], limit = 5): string[] {
  const out: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const conditions = pod.status?.conditions ?? [];
    const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (unscheduled) out.push(`pod ${name} unschedulable: ${unscheduled.message ?? unscheduled.reason ?? ''}`);
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (waiting?.reason && waiting.reason !== 'ContainerCreating') out.push(`pod ${name} container ${c.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`);
    }
  }
  return out.slice(0, limit);
}
