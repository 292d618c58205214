import { isPhaseDone, type Phase } from '../domain/phase.js';
import type { BaselineRecord, RunRecord } from '../domain/run-record.js';
import type { StoredRun } from '../state/ports.js';
import { deployWorkloads } from './workloads.js';
import { prepareCanaryNodes } from './canary-nodes.js';
import type { Reporter, RunContext } from './context.js';
import { installControlPlane, installDataPlane } from './install.js';
import { preflight, type PreflightOutcome } from './preflight.js';
import { promote } from './promote.js';
import { addEvent, newRecord, updateRecord } from './record.js';
import { withSession, type SessionOptions } from './session.js';
import { smokeTest } from './smoke.js';
import { runSteps } from './steps.js';
import { runTasks, type TaskSpec } from './tasks.js';
import { phaseTitle } from './titles.js';

export type UpgradeResult =
  | { readonly kind: 'promoted'; readonly record: RunRecord }
  | { readonly kind: 'paused'; readonly record: RunRecord }
  | { readonly kind: 'already-promoted'; readonly record: RunRecord };

/**
 * `canary upgrade`: preflight (reads only), then every phase not yet done, in order. A run
 * record left by an earlier, interrupted run is resumed rather than started again.
 */
export async function upgrade(options: SessionOptions): Promise<UpgradeResult> {
  const { ports, config, plan, signal } = options;
  let existing: StoredRun | undefined;
  let checked: PreflightOutcome | undefined;
  // Preflight only reads — its lock check asks the Lease who would block us (exit 4 when
  // another live run holds it) — so bad input changes nothing, not even the Lease.
  const preflightTask: TaskSpec = {
    title: phaseTitle('preflight', plan),
    run: async (report) => {
      existing = await ports.runs.load(plan.runId, signal);
      if (existing?.record.outcome === 'promoted') return report.say(`run ${plan.runId} was promoted already`);
      if (existing?.record.outcome === 'running') report.say(`resuming run ${plan.runId} (last completed phase: ${existing.record.phase ?? 'none'})`);
      checked = await preflight(config, plan, ports, report, signal, existing?.record.outcome === 'running' ? existing.record : undefined);
    },
  };
  await runTasks([preflightTask], options.progress);
  if (existing?.record.outcome === 'promoted' || !checked) return { kind: 'already-promoted', record: (existing as StoredRun).record };
  const pre = checked;
  let paused = false;
  let promotedMeanwhile = false;
  // The run record is read again under the lock: another run may have moved it since preflight.
  const load = async (): Promise<StoredRun> => {
    const current = await ports.runs.load(plan.runId, signal);
    // Promoted by another process since preflight: a fresh record would start over on the promoted mesh.
    if (current?.record.outcome === 'promoted') {
      promotedMeanwhile = true;
      return current;
    }
    return startRecord(options, current, current?.record.outcome === 'running' ? current : undefined, pre.baseline);
  };
  const ctx = await withSession(options, load, async (ctx) => {
    if (promotedMeanwhile) return;
    ctx.facts = pre.facts;
    ctx.gatewayUrl = pre.gatewayUrl;
    await runTasks(phaseTasks(ctx, pre.canaryNodes, (p) => (paused = p)), options.progress);
  });
  return { kind: promotedMeanwhile ? 'already-promoted' : paused ? 'paused' : 'promoted', record: ctx.stored.record };
}

/** A resumed run keeps its record (and the baseline of when it started); a new one starts with the stable just measured. */
async function startRecord(options: SessionOptions, existing: StoredRun | undefined, resuming: StoredRun | undefined, baseline: BaselineRecord | undefined): Promise<StoredRun> {
  if (resuming) return resuming;
  const { ports, config, plan, signal } = options;
  const fresh = newRecord(config, plan, ports.clock(), ports.actor, ports.holder, baseline);
  // An ended run (aborted, reverted) is replaced: its report was already written.
  return existing ? ports.runs.save(existing, fresh, signal) : ports.runs.create(fresh, signal);
}

function phaseTasks(ctx: RunContext, canaryNodes: readonly string[], setPaused: (paused: boolean) => void): TaskSpec[] {
  let paused = false;
  const phase = (p: Phase, run: (report: Reporter) => Promise<void>): TaskSpec => ({
    title: phaseTitle(p, ctx.plan),
    skip: () => (paused ? 'paused: continue with `canary step`, then `canary promote`' : isPhaseDone(ctx.stored.record.phase, p) ? 'done in an earlier run' : false),
    run: async (report) => {
      ctx.signal.throwIfAborted();
      await run(report);
      if (!paused) {
        await updateRecord(ctx, (r) => {
          r.phase = p;
          r.reason = undefined;
          addEvent(ctx, r, `${p} done`);
        });
      }
    },
  });
  return [
    phase('canary-nodes', (report) => prepareCanaryNodes(ctx, report, canaryNodes)),
    phase('control-plane', (report) => installControlPlane(ctx, report)),
    phase('data-plane', (report) => installDataPlane(ctx, report)),
    phase('workloads', (report) => deployWorkloads(ctx, report)),
    phase('smoke', (report) => smokeTest(ctx, report)),
    phase('steps', async (report) => {
      paused = (await runSteps(ctx, report)) === 'paused';
      setPaused(paused);
    }),
    phase('promote', async (report) => {
      await promote(ctx, report);
      await updateRecord(ctx, (r) => (r.outcome = 'promoted'));
    }),
  ];
}
