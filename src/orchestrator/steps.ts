import { AbortedError, HeldError } from '../domain/errors.js';
import { judgedWeight, keptWindows } from '../domain/run-record.js';
import { nextWeight, weightsFor } from '../domain/weights.js';
import { baselineText } from '../report/baseline.js';
import type { Reporter, RunContext } from './context.js';
import { addEvent, updateRecord } from './record.js';
import { restoreTraffic } from './revert.js';
import { tellRoute, verdictEvent, weightEvent } from './route-events.js';
import { stepTitle } from './titles.js';

/** What the steps phase left: all done, or paused at a weight (`--until`, `canary step`). */
export type StepsOutcome = 'done' | 'paused';

/** Runs weight steps until 100% or `until`; at most `limit` steps (1 for `canary step`). */
export async function runSteps(ctx: RunContext, report: Reporter, limit = Number.POSITIVE_INFINITY): Promise<StepsOutcome> {
  const schedule = ctx.plan.route.steps.map((s) => s.weights.canary);
  for (let taken = 0; taken < limit; taken++) {
    const weight = nextWeight(schedule, judgedWeight(ctx.stored.record));
    if (weight === undefined) return 'done';
    await runStep(ctx, report, weight);
    if (ctx.plan.route.until !== undefined && weight >= ctx.plan.route.until && weight < 100) return 'paused';
  }
  return nextWeight(schedule, judgedWeight(ctx.stored.record)) === undefined ? 'done' : 'paused';
}

async function runStep(ctx: RunContext, report: Reporter, weight: number): Promise<void> {
  const bakeMs = ctx.plan.route.steps.find((s) => s.weights.canary === weight)?.bakeMs ?? ctx.config.steps.bakeMs;
  report.retitle(stepTitle(weight, bakeMs));
  const weights = weightsFor(weight);
  const observed = await ctx.ports.router.setWeights(weights, ctx.signal);
  const startedAt = ctx.ports.clock().toISOString();
  await updateRecord(ctx, (r) => {
    r.weight = weight;
    r.steps.push({ weight, startedAt, by: ctx.ports.holder });
    addEvent(ctx, r, `route at ${weights.stable}/${weights.canary} (generation ${observed.generation})`);
  });
  await tellRoute(ctx, weightEvent(ctx, weights, `step to ${weight}%, accepted at generation ${observed.generation}`));
  report.say(`route at ${weights.stable}/${weights.canary}, accepted at generation ${observed.generation}; baking`);
  const record = ctx.stored.record;
  const heldAccepted = record.steps.slice(0, -1).some((s) => s.verdict?.kind === 'held');
  const result = await ctx.ports.judge.bake({ url: ctx.gatewayUrl as string, weights, bakeMs, revisions: ctx.plan.revisions, evidence: record.evidence, heldAccepted }, ctx.signal);
  // A judge that returns normally after an interrupt must not let the run go on.
  ctx.signal.throwIfAborted();
  // A verdict that reverts puts traffic back first, before it is recorded: the route is what
  // users feel, and the revert that follows finds it done (the lock is still ours: not lost).
  if (result.verdict.kind !== 'pass' && result.verdict.kind !== 'held') await restoreTraffic(ctx, report, new AbortController().signal);
  await updateRecord(ctx, (r) => {
    const step = r.steps[r.steps.length - 1];
    if (!step) return;
    step.endedAt = ctx.ports.clock().toISOString();
    step.verdict = result.verdict;
    step.windows = keptWindows(result.windows, r.schedule.length);
    if (result.evidence) r.evidence = result.evidence;
    addEvent(ctx, r, `verdict at ${weight}%: ${result.verdict.kind}: ${result.verdict.reasons.join('; ')}`);
  });
  await tellRoute(ctx, verdictEvent(weight, result.verdict));
  // Every verdict is read against what the stable did before the run, when preflight measured it.
  const stable = ctx.stored.record.baseline ? `; stable before the run: ${baselineText(ctx.stored.record.baseline)}` : '';
  report.say(`verdict at ${weight}%: ${result.verdict.kind}: ${result.verdict.reasons.join('; ')}${stable}`);
  if (result.verdict.kind === 'held') {
    throw new HeldError(`weight ${weight}%: held, traffic stays at ${weights.stable}/${weights.canary}: ${result.verdict.reasons.join('; ')}`, {
      fix: `\`canary step\` goes on to the next weight (accepting the application's own failures), \`canary abort\` reverts; \`canary status\` shows both revisions' figures`,
    });
  }
  if (result.verdict.kind !== 'pass') {
    throw new AbortedError(`weight ${weight}%: the canary did not pass (${result.verdict.kind}): ${result.verdict.reasons.join('; ')}`);
  }
}
