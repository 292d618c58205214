import { cloneOptions } from '../plan/manifests.js';
import type { Reporter, RunContext } from './context.js';

/** The canary copy: an ambient namespace, its workloads pinned to canary nodes (whose ztunnel is the new revision's). */
export async function deployWorkloads(ctx: RunContext, report: Reporter): Promise<void> {
  const { canaryNamespace, referenceGrant } = ctx.plan.manifests;
  await ctx.ports.workloads.apply([canaryNamespace, referenceGrant], ctx.signal);
  report.say(`namespace ${ctx.config.app.canaryNamespace} (ambient, served by the ${ctx.config.to.name} ztunnel of its nodes) and its ReferenceGrant applied`);
  const cloned = await ctx.ports.workloads.cloneNamespace(ctx.config.app.stableNamespace, ctx.config.app.canaryNamespace, cloneOptions(ctx.config), ctx.signal);
  report.say(`copied ${cloned.copied.length} object(s): ${cloned.copied.join(', ')}`);
  await ctx.ports.workloads.waitRollout(ctx.config.app.canaryNamespace, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say('every Deployment rolled out and available');
}
