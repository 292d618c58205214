import { InputError } from '../domain/errors.js';
import { isPhaseDone } from '../domain/phase.js';
import { judgedWeight, type RunRecord } from '../domain/run-record.js';
import { nextWeight } from '../domain/weights.js';
import type { StoredRun } from '../state/ports.js';
import { gatewayUrl } from '../mesh/gateway-url.js';
import { inspectQuery } from './preflight.js';
import { promote } from './promote.js';
import { updateRecord } from './record.js';
import { revertAs, withSession, type SessionOptions } from './session.js';
import { runSteps } from './steps.js';
import { runTasks } from './tasks.js';
import { phaseTitle, stepTitle } from './titles.js';

/** Why a recorded run cannot take a command, as a bad-input error (nothing changes). */
function refuse(message: string): InputError {
  return new InputError([{ path: 'run', message }]);
}

function requireRunning(record: RunRecord, verb: string): void {
  if (record.outcome !== 'running') {
    throw refuse(`run ${record.id} ended (${record.outcome}${record.reason ? `: ${record.reason}` : ''}); \`canary ${verb}\` does not continue it: start a new one with \`canary upgrade --from ${record.from} --to ${record.to}\``);
  }
}

/**
 * The record as it is once the lock is held: another process may have moved the run on
 * between the first read (which refused early, without the lock) and the lock. The same
 * checks run again on it, so two CI jobs never take the same step twice.
 */
function reread(options: SessionOptions, stored: StoredRun, check: (record: RunRecord) => void): () => Promise<StoredRun> {
  return async () => {
    const fresh = (await options.ports.runs.load(stored.record.id, options.signal)) ?? stored;
    check(fresh.record);
    return fresh;
  };
}

/** The step `canary step` would take now, or why it refuses. */
function nextStep(options: SessionOptions, record: RunRecord, requested: number | undefined): number {
  requireRunning(record, 'step');
  if (!isPhaseDone(record.phase, 'smoke')) throw refuse(`run ${record.id} has not passed its smoke test yet (last phase: ${record.phase ?? 'none'}): continue it with \`canary upgrade --from ${record.from} --to ${record.to} --until ${options.plan.route.steps[0]?.weights.canary ?? 10}\``);
  const next = nextWeight(options.plan.route.steps.map((s) => s.weights.canary), judgedWeight(record));
  if (next === undefined) throw refuse(`run ${record.id} is at ${record.weight}%, the last step: finish it with \`canary promote\``);
  if (requested !== undefined && requested !== next) throw refuse(`the next step is ${next}%, not ${requested}%: steps are never skipped or repeated`);
  return next;
}

/** `canary step [--weight W]`: exactly one weight step of a started run. */
export async function step(options: SessionOptions, stored: StoredRun, requested: number | undefined): Promise<RunRecord> {
  const next = nextStep(options, stored.record, requested);
  const load = reread(options, stored, (r) => void nextStep(options, r, next));
  const ctx = await withSession(options, load, async (ctx) => {
    const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), ctx.signal);
    ctx.gatewayUrl = ctx.config.gatewayUrl ?? gatewayUrl(facts.gateway);
    await runTasks([{ title: stepTitle(next, options.config.steps.bakeMs), run: async (report) => void (await runSteps(ctx, report, 1)) }], options.progress);
    if (ctx.stored.record.weight === 100) await updateRecord(ctx, (r) => (r.phase = 'steps'));
  });
  return ctx.stored.record;
}

/** `canary promote`: finishes a run that reached 100%. */
export async function promoteRun(options: SessionOptions, stored: StoredRun): Promise<RunRecord> {
  const check = (record: RunRecord): void => {
    requireRunning(record, 'promote');
    if (judgedWeight(record) !== 100) throw refuse(`run ${record.id} is at ${record.weight}%${record.weight === 100 ? ' without a passed verdict there' : ''}: promote only after the 100% step passed (\`canary step\`)`);
  };
  check(stored.record);
  const ctx = await withSession(options, reread(options, stored, check), async (ctx) => {
    await runTasks([{ title: phaseTitle('promote', options.plan), run: (report) => promote(ctx, report) }], options.progress);
    await updateRecord(ctx, (r) => {
      r.phase = 'promote';
      r.outcome = 'promoted';
    });
  });
  return ctx.stored.record;
}

/** `canary abort`: reverts a run from wherever it stands (also one a killed process left). */
export async function abortRun(options: SessionOptions, stored: StoredRun): Promise<RunRecord> {
  const record = stored.record;
  const check = (r: RunRecord): void => {
    if (r.outcome === 'promoted') throw refuse(`run ${r.id} was promoted; there is nothing to abort (upgrade again to move on)`);
    if (r.promotedNodes.length > 0 || r.phase === 'promote') throw refuse(`run ${r.id} is promoting (nodes already moved: ${r.promotedNodes.join(', ') || 'none'}); finish it with \`canary promote\``);
  };
  check(record);
  // Promote's first act is the route (canary backends only) and its first record write comes
  // later: a process killed in between leaves a record at 100% that looks abortable. Reverting
  // that route would leave its rules with no backend at all, so the route itself decides.
  if (record.weight === 100 && (await options.ports.router.getWeights(options.signal)).kind === 'unmanaged') {
    throw refuse(`run ${record.id} is promoting: the route already serves only ${record.revisions.canary}; finish it with \`canary promote\``);
  }
  // The revert is not cancellable: stopping it half-way would leave more to clean up.
  // A run that already ended (an SLO breach, an interrupt) keeps its outcome and reason:
  // `abort` only finishes its clean-up, and the reports still say why it stopped.
  // Decided on the record as read under the lock: the run may have ended since the first read.
  const ctx = await withSession(options, reread(options, stored, check), (ctx) => {
    const current = ctx.stored.record;
    const ended = current.outcome !== 'running';
    const [outcome, reason] = ended ? [current.outcome, current.reason ?? current.outcome] : (['reverted', 'aborted by `canary abort`'] as const);
    return revertAs(ctx, options.progress, outcome, reason, new AbortController().signal);
  });
  return ctx.stored.record;
}
