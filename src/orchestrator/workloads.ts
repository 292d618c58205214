import { canaryPlacement, ownedLabels } from '../plan/manifests.js';
import type { Reporter, RunContext } from './context.js';

/** The canary copy: an ambient namespace of the new revision, its workloads pinned to canary nodes. */
export async function deployWorkloads(ctx: RunContext, report: Reporter): Promise<void> {
  const { canaryNamespace, referenceGrant } = ctx.plan.manifests;
  await ctx.ports.workloads.apply([canaryNamespace, referenceGrant], ctx.signal);
  report.say(`namespace ${ctx.config.app.canaryNamespace} (ambient, ${ctx.config.to.name}) and its ReferenceGrant applied`);
  const cloned = await ctx.ports.workloads.cloneNamespace(ctx.config.app.stableNamespace, ctx.config.app.canaryNamespace, { placement: canaryPlacement(ctx.config), labels: ownedLabels(ctx.config), revision: ctx.config.to.name }, ctx.signal);
  report.say(`copied ${cloned.copied.length} object(s): ${cloned.copied.join(', ')}`);
  await ctx.ports.workloads.waitRollout(ctx.config.app.canaryNamespace, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say('every Deployment rolled out and available');
}
