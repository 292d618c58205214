import { ALL_STABLE } from '../domain/weights.js';
import type { Outcome } from '../domain/phase.js';
import { uninstall } from '../plan/helm-commands.js';
import { canaryTaint } from '../plan/manifests.js';
import { formatInvocation } from '../domain/helm-invocation.js';
import type { Reporter, RunContext } from './context.js';
import { inspectQuery } from './preflight.js';
import { addEvent, updateRecord } from './record.js';
import { tellRoute, weightEvent } from './route-events.js';
import { revertSteps, type RevertStep } from './revert-plan.js';

/**
 * Puts traffic back on the stable revision, then removes what the canary added. It runs
 * under its own signal: the run's signal may be what was aborted (Ctrl-C), and a revert
 * must not be cut short by it.
 */
export async function revert(ctx: RunContext, report: Reporter, outcome: Outcome, reason: string, signal: AbortSignal): Promise<void> {
  await restoreTraffic(ctx, report, signal);
  const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), signal);
  const steps = revertSteps({ record: ctx.stored.record, facts, keepCanary: ctx.config.keepCanary, canaryNamespace: ctx.config.app.canaryNamespace, nodeLabel: ctx.config.nodes.label });
  // Traffic was restored above, before reading the cluster; the plan's first step is that.
  for (const step of steps.filter((s) => s.kind !== 'weights')) await runStep(ctx, report, step, signal);
  await updateRecord(
    ctx,
    (r) => {
      r.outcome = outcome;
      r.reason = reason;
      addEvent(ctx, r, `${outcome}: ${reason}`);
    },
    signal,
  );
  await tellRoute(ctx, { reason: 'CanaryAborted', type: 'Warning', action: 'Revert', note: `run ${ctx.stored.record.id} ${outcome}: ${reason}; the route is back on ${ctx.plan.revisions.stable}` });
}

/** The first thing any failure does once traffic may have moved: 100% stable, verified. */
export async function restoreTraffic(ctx: RunContext, report: Reporter, signal: AbortSignal): Promise<void> {
  const read = await ctx.ports.router.getWeights(signal);
  if (read.kind === 'unmanaged' || read.kind === 'no-canary') return;
  if (read.kind === 'weights' && read.weights.canary === 0) return;
  await ctx.ports.router.setWeights(ALL_STABLE, signal);
  await tellRoute(ctx, weightEvent(ctx, ALL_STABLE, 'traffic back on the stable revision'));
  await updateRecord(
    ctx,
    (r) => {
      r.weight = 0;
      addEvent(ctx, r, 'traffic back at 100% stable');
    },
    signal,
  );
  report.say('traffic back at 100% stable (route accepted)');
}

async function runStep(ctx: RunContext, report: Reporter, step: RevertStep, signal: AbortSignal): Promise<void> {
  const { ports, config } = ctx;
  switch (step.kind) {
    case 'weights':
      return restoreTraffic(ctx, report, signal);
    case 'route':
      await ports.router.finalize('stable', ctx.stored.record.originalWeights ?? {}, signal);
      return report.say('canary backends and the header rule removed from the route');
    case 'namespace':
      await ports.workloads.deleteNamespace(step.name, config.timeouts.rolloutMs, signal);
      return report.say(`namespace ${step.name} deleted`);
    case 'release': {
      const inv = uninstall(config, step.name);
      report.say(formatInvocation(inv));
      await ports.helm.run(inv, signal);
      return;
    }
    case 'node':
      await ports.nodes.label(step.name, config.nodes.label, step.priorLabel, signal);
      await ports.nodes.untaint(step.name, canaryTaint(config), signal);
      return report.say(`${step.name}: ${config.nodes.label} ${step.priorLabel === null ? 'removed' : `back to ${step.priorLabel}`}, taint removed`);
    case 'note':
      return report.say(step.message);
  }
}
