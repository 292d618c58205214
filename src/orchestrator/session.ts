import type { RunConfig } from '../config/types.js';
import { CanaryError, InfraError, InputError, InterruptedError } from '../domain/errors.js';
import { AbortedError, HeldError } from '../domain/errors.js';
import type { Outcome } from '../domain/phase.js';
import type { Plan } from '../plan/build.js';
import type { HeldLock, StoredRun } from '../state/ports.js';
import type { Ports, RunContext } from './context.js';
import { addEvent, updateRecord } from './record.js';
import { restoreTraffic, revert } from './revert.js';
import { runTasks, type ProgressMode } from './tasks.js';
import { REVERT_TITLE } from './titles.js';

export interface SessionOptions {
  readonly config: RunConfig;
  readonly plan: Plan;
  readonly ports: Ports;
  /** Aborted by Ctrl-C/SIGTERM (reason: an InterruptedError). */
  readonly signal: AbortSignal;
  readonly progress: ProgressMode;
}

/**
 * Holds the lock (taken before the record is read or written) for the body, and turns any
 * failure into the right end: an SLO breach or an interrupt reverts everything (exit 3 /
 * 130), except once promote has begun (it is left for `canary promote`); anything else puts
 * traffic back on stable and leaves the run resumable (exit 1), saying how to resume or abort.
 */
export async function withSession(options: SessionOptions, load: () => Promise<StoredRun>, body: (ctx: RunContext) => Promise<void>): Promise<RunContext> {
  const lock = await options.ports.lock.acquire(options.ports.holder, options.signal);
  let stored: StoredRun;
  try {
    stored = await load();
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
  const signal = AbortSignal.any([options.signal, lock.lost]);
  const ctx: RunContext = { config: options.config, plan: options.plan, ports: options.ports, signal, stored, facts: undefined, gatewayUrl: undefined };
  try {
    await body(ctx);
    return ctx;
  } catch (error) {
    throw await endBadly(ctx, options, lock, error);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function endBadly(ctx: RunContext, options: SessionOptions, lock: HeldLock, error: unknown): Promise<CanaryError> {
  // A revert gets its own, uncancellable signal: a second Ctrl-C must not cut it short.
  const revertSignal = new AbortController().signal;
  // Another run took the lock (--force-unlock, or after our lease expired): it owns the
  // cluster now, and a revert from here would fight it (even after Ctrl-C or a breach).
  if (!(await lock.verify())) {
    return new InfraError(`stopped: the run lock is held by ${lock.takenBy} now (taken with --force-unlock, or after this run missed its renewals); this process stopped and reverted nothing`, {
      cause: error,
      fix: 'see `canary status`: the run that took the lock continues or reverts it',
    });
  }
  const interrupted = options.signal.aborted;
  // A held step is a pause, not a failure: traffic stays where the user will decide from.
  if (error instanceof HeldError && !interrupted) return holdRun(ctx, error, revertSignal);
  if ((error instanceof AbortedError || interrupted) && (await promoteBegan(ctx, revertSignal))) {
    return stopPromoting(ctx, interrupted, error, revertSignal);
  }
  if (error instanceof AbortedError || interrupted) {
    const outcome: Outcome = interrupted ? 'interrupted' : 'aborted';
    const reason = interrupted ? 'interrupted (Ctrl-C or SIGTERM)' : error instanceof Error ? error.message : String(error);
    await revertAs(ctx, options.progress, outcome, reason, revertSignal);
    return interrupted ? new InterruptedError(`interrupted; traffic is back on ${ctx.config.from.name}`) : (error as AbortedError);
  }
  const cause = error instanceof Error ? error.message : String(error);
  // The lost lock's own error already says so; another error that followed it does not.
  const why = lock.lost.aborted && error !== lock.lost.reason ? `lost the lock: ${cause}` : cause;
  const unsafe = await makeTrafficSafe(ctx, options.progress, why, revertSignal);
  if (unsafe) return new InfraError(`${why}; ${unsafe}`, { cause: error });
  // Bad input found half-way (e.g. the route edited since preflight) is not exit 2, which
  // promises that nothing was changed: the run has changed the cluster by now.
  if (error instanceof CanaryError && !(error instanceof InputError)) return error;
  return new InfraError(why, { cause: error, fix: 'traffic is on the stable revision; `canary upgrade` with the same arguments resumes, `canary abort` reverts' });
}

/**
 * Promote has begun once the route serves the canary only (its first act) or the record says
 * so: a revert from there would take the only backends off the route and remove the revision
 * that serves all traffic. `canary abort` refuses such a run for the same reason.
 */
async function promoteBegan(ctx: RunContext, signal: AbortSignal): Promise<boolean> {
  const r = ctx.stored.record;
  if (r.outcome === 'promoted' || r.phase === 'promote' || r.promotedNodes.length > 0) return true;
  if (r.weight !== 100) return false;
  try {
    return (await ctx.ports.router.getWeights(signal)).kind === 'unmanaged';
  } catch {
    return false;
  }
}

async function holdRun(ctx: RunContext, error: HeldError, signal: AbortSignal): Promise<CanaryError> {
  await updateRecord(ctx, (r) => addEvent(ctx, r, `held at ${r.weight}%: waiting for \`canary step\` or \`canary abort\``), signal).catch(() => undefined);
  return error;
}

/** Stops a promote half-way without reverting it: it is finished by `canary promote`. */
async function stopPromoting(ctx: RunContext, interrupted: boolean, error: unknown, signal: AbortSignal): Promise<CanaryError> {
  const canary = ctx.plan.revisions.canary;
  const why = interrupted ? 'interrupted while promoting' : `stopped while promoting: ${error instanceof Error ? error.message : String(error)}`;
  await updateRecord(
    ctx,
    (r) => {
      r.reason = why;
      addEvent(ctx, r, why);
    },
    signal,
  ).catch(() => undefined);
  const message = `${why}; the route already serves only ${canary}, so nothing was reverted`;
  const details = { cause: error, fix: 'finish it with `canary promote` (`canary status` shows how far it got)' };
  return interrupted ? new InterruptedError(message, details) : new InfraError(message, details);
}

export async function revertAs(ctx: RunContext, progress: ProgressMode, outcome: Outcome, reason: string, signal: AbortSignal): Promise<void> {
  try {
    await runTasks([{ title: REVERT_TITLE, run: (report) => revert(ctx, report, outcome, reason, signal) }], progress);
  } catch (error) {
    throw new InfraError(`the revert did not finish: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      fix: 'run `canary abort` to finish it (it continues from where this one stopped; check `canary status`)',
    });
  }
}

/**
 * After an infrastructure failure: traffic to stable if it had moved, then record why.
 * If even that fails, the error says so: the user must know traffic may still be split.
 */
async function makeTrafficSafe(ctx: RunContext, progress: ProgressMode, reason: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    await runTasks([{ title: 'Put traffic back on the stable revision', run: (report) => restoreTraffic(ctx, report, signal) }], progress);
    await updateRecord(
      ctx,
      (r) => {
        r.reason = `stopped: ${reason}`;
        addEvent(ctx, r, `stopped: ${reason}`);
      },
      signal,
    );
    return undefined;
  } catch (error) {
    return `traffic could not be put back on the stable revision (${error instanceof Error ? error.message : String(error)}): run \`canary abort\` as soon as the cluster answers`;
  }
}
