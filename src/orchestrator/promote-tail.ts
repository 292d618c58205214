import { InfraError, ManualStepError } from '../domain/errors.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import { CHARTS, DEFAULT_VALIDATOR, istiodRelease } from '../mesh/charts.js';
import { promoteTail, validatorPatchCommand, type TailStep } from '../mesh/promote-tail.js';
import { baseDefaultRevision, dropRevisionTags, rollbackTo, uninstall } from '../plan/helm-commands.js';
import type { Reporter, RunContext } from './context.js';
import { runRelease } from './helm-release.js';
import { installedRelease, type InstalledRelease } from './installed-chart.js';
import { inspectQuery } from './preflight.js';
import { addEvent, updateRecord } from './record.js';

/** How a promote stopped by a step of its own is continued. */
const RESUME = 'canary promote';
const VALIDATOR = `ValidatingWebhookConfiguration ${DEFAULT_VALIDATOR}`;

/**
 * The end of promote: istio-base's validator and the `default` revision tag move to the canary,
 * then the stable releases go. The steps and their order are decided from the cluster as it
 * is now (src/mesh/promote-tail.ts, promoteTail, says why that order), so a promote killed after
 * any of them decides again from what it finds and converges.
 */
export async function finishPromote(ctx: RunContext, report: Reporter): Promise<void> {
  const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), ctx.signal);
  for (const step of promoteTail(ctx.config, ctx.plan, facts)) await runTailStep(ctx, report, step);
}

async function runTailStep(ctx: RunContext, report: Reporter, step: TailStep): Promise<void> {
  switch (step.kind) {
    case 'stop':
      throw new ManualStepError(step.message, step.command, { object: step.object, resume: RESUME });
    case 'base':
      return moveBaseDefaultRevision(ctx, report, step);
    case 'default-tag':
      return moveDefaultTag(ctx, report, step);
    case 'uninstall': {
      const inv = uninstall(ctx.config, step.release);
      report.say(formatInvocation(inv));
      await ctx.ports.helm.run(inv, ctx.signal);
      return;
    }
    case 'note':
      return report.say(step.message);
  }
}

/** The release's chart as helm lists it, and why helm cannot upgrade it as it stands (another chart, a pending operation). */
async function listed(ctx: RunContext, release: string, namespace: string, chart: string): Promise<{ found?: InstalledRelease; problem?: string }> {
  const found = await installedRelease(ctx.ports.helm, ctx.config, release, namespace, ctx.signal);
  if (!found) return { problem: `helm lists no release ${namespace}/${release}` };
  if (found.chart !== chart) return { found, problem: `Helm release ${namespace}/${release} runs chart ${found.chart}, not ${chart}` };
  if (found.status.startsWith('pending-')) return { found, problem: `Helm release ${namespace}/${release} is ${found.status} (a helm process was stopped mid-way)` };
  return { found };
}

/**
 * istio-base's defaultRevision to the canary, at the chart version it runs. istio-base is not
 * ours, so anything unexpected (no such Helm release, another chart, a helm operation left
 * pending by someone else, helm failing) stops promote before the stable istiod goes, naming
 * the one command that does it by hand; `canary promote` then finds the validator moved and
 * goes on. The record notes the release revision it starts from before helm runs.
 */
async function moveBaseDefaultRevision(ctx: RunContext, report: Reporter, step: BaseStep): Promise<void> {
  const { config } = ctx;
  const release = `Helm release ${step.namespace}/${step.release}`;
  const lead = `istio-base's defaultRevision must move to ${config.to.name} before istiod-${config.from.name} goes`;
  const { found, problem } = await baseAsListed(ctx, report, step);
  if (problem || !found) {
    const command = found?.status.startsWith('pending-') ? formatInvocation(baseRollback(ctx, step, undefined)) : validatorPatchCommand(config);
    throw new ManualStepError(`${lead}, but ${problem ?? 'helm does not list it'}`, command, { object: VALIDATOR, resume: RESUME });
  }
  const inv = baseDefaultRevision(config, { release: step.release, namespace: step.namespace, version: found.version });
  await updateRecord(ctx, (r) => (r.baseUpgrade = { release: step.release, namespace: step.namespace, revision: found.revision }));
  report.say(formatInvocation(inv));
  try {
    await ctx.ports.helm.run(inv, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new ManualStepError(`${lead}, but helm failed: ${why}`, formatInvocation(inv), { object: release, cause: error, resume: RESUME });
  }
  const moved = `istio-base's defaultRevision ${config.from.name} -> ${config.to.name}`;
  const done = `${moved}: ${DEFAULT_VALIDATOR} validates through istiod-${config.to.name} (${release}, chart ${found.version})`;
  await updateRecord(ctx, (r) => addEvent(ctx, r, done));
  report.say(done);
}

type BaseStep = Extract<TailStep, { kind: 'base' }>;

/**
 * istio-base as helm lists it. Left pending-upgrade at the revision after the one this run's
 * record noted, it is this run's helm that was stopped mid-way (a CI job's process group
 * killed): rolled back to that revision first, as runRelease clears a release of our own.
 */
async function baseAsListed(ctx: RunContext, report: Reporter, step: BaseStep): Promise<{ found?: InstalledRelease; problem?: string }> {
  const first = await listed(ctx, step.release, step.namespace, CHARTS.base);
  const noted = ctx.stored.record.baseUpgrade;
  const found = first.found;
  const sameRelease = noted?.release === step.release && noted.namespace === step.namespace;
  const ours = noted && sameRelease && found?.status === 'pending-upgrade' && found.revision === noted.revision + 1;
  if (!ours) return first;
  const rollback = baseRollback(ctx, step, noted.revision);
  const why = `Helm release ${step.namespace}/${step.release} was left pending-upgrade by this run's helm, stopped mid-way`;
  report.say(`${why}; rolling it back first: ${formatInvocation(rollback)}`);
  await ctx.ports.helm.run(rollback, ctx.signal);
  return listed(ctx, step.release, step.namespace, CHARTS.base);
}

/** `helm rollback` of istio-base (to `revision`, or to its last good one). */
function baseRollback(ctx: RunContext, step: BaseStep, revision: number | undefined): HelmInvocation {
  return rollbackTo(ctx.config, { name: step.release, namespace: step.namespace }, revision);
}

/**
 * The `default` tag to the canary istiod. When the stable istiod holds it, it drops its tags
 * first (at its own chart version, with its own values) and the canary takes the tag at once:
 * nothing, not even the run record, is written in between.
 */
async function moveDefaultTag(ctx: RunContext, report: Reporter, { take, from }: Extract<TailStep, { kind: 'default-tag' }>): Promise<void> {
  const { config } = ctx;
  if (from) await runRelease(ctx, await dropTags(ctx), report);
  await runRelease(ctx, take, report);
  const done = `default revision tag on ${istiodRelease(config.to.name)}${from ? ` (handed over from ${from} in two helm upgrades)` : ''}`;
  await updateRecord(ctx, (r) => addEvent(ctx, r, done));
  report.say(done);
}

/** The stable istiod's tags dropped, at the chart version it runs. A pending operation on it is cleared by runRelease (it is ours). */
async function dropTags(ctx: RunContext): Promise<HelmInvocation> {
  const { config } = ctx;
  const { found, problem } = await listed(ctx, config.istio.stableIstiodRelease, config.istio.namespace, CHARTS.istiod);
  if (!found || (problem && !found.status.startsWith('pending-'))) {
    throw new InfraError(`the default revision tag cannot be handed over from ${config.istio.stableIstiodRelease}: ${problem ?? 'helm does not list it'}`, {
      fix: `check the release (\`helm list --namespace ${config.istio.namespace} --all\`), then run \`${RESUME}\` again`,
    });
  }
  return dropRevisionTags(config, found.version);
}
