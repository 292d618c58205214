import type { RouteEvent } from '../kube/ports.js';
import type { Verdict } from '../domain/verdict.js';
import type { WeightPair } from '../domain/weights.js';
import type { RunContext } from './context.js';

/**
 * Leaves a Kubernetes Event on the HTTPRoute, so `kubectl describe httproute` tells the run's
 * story beside the route's own. Best effort: a recorder that throws anyway is ignored, and
 * the event has its own signal, so a Ctrl-C revert still says what it did.
 */
export async function tellRoute(ctx: RunContext, event: RouteEvent): Promise<void> {
  try {
    await ctx.ports.events.record(event, new AbortController().signal);
  } catch {
    // The run record holds the same story; an Event must never change how a run ends.
  }
}

export function weightEvent(ctx: RunContext, weights: WeightPair, why: string): RouteEvent {
  const { stable, canary } = ctx.plan.revisions;
  return { reason: 'CanaryWeight', type: 'Normal', action: 'SetWeights', note: `${why}: ${stable} ${weights.stable}% / ${canary} ${weights.canary}% (run ${ctx.stored.record.id})` };
}

export function verdictEvent(weight: number, v: Verdict): RouteEvent {
  return { reason: 'CanaryVerdict', type: v.kind === 'pass' ? 'Normal' : 'Warning', action: 'Judge', note: `${weight}%: ${v.kind}: ${v.reasons.join('; ')}` };
}
