import { formatDuration } from '../config/duration.js';
import type { Phase } from '../domain/phase.js';
import type { Plan } from '../plan/build.js';

/** Task titles: sentences a platform engineer reads as the procedure runs. */
export function phaseTitle(phase: Phase, plan: Plan): string {
  const { stable, canary } = plan.revisions;
  switch (phase) {
    case 'preflight':
      return `Check the cluster before changing anything (${stable} -> ${canary})`;
    case 'canary-nodes':
      return `Prepare canary node(s): taint, drain, label ${plan.nodes.label}=${canary}`;
    case 'control-plane':
      return `Install control plane istiod-${canary}`;
    case 'data-plane':
      return `Install data plane ztunnel-${canary} on the canary node(s)`;
    case 'workloads':
      return `Copy workloads ${plan.namespaces.stable} -> ${plan.namespaces.canary}, pinned to canary nodes`;
    case 'smoke':
      return `Smoke test: ${plan.route.smokeRequests} requests with ${plan.route.context.header.name}: ${plan.route.context.header.value} to the canary only`;
    case 'steps':
      return `Shift traffic ${plan.route.steps.map((s) => `${s.weights.canary}%`).join(' -> ')}, ${formatDuration(plan.route.steps[0]?.bakeMs ?? 0)} under load each`;
    case 'promote':
      return `Promote ${canary}: route, gateway and remaining nodes to the new revision, remove ${stable}`;
  }
}

export function stepTitle(weight: number, bakeMs: number): string {
  return `Weight ${100 - weight}/${weight}: verify the route, then ${formatDuration(bakeMs)} under load`;
}

export const REVERT_TITLE = 'Revert: traffic to the stable revision first, then remove the canary';
