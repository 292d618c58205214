import { cloneOptions } from '../plan/manifests.js';
import type { Reporter, RunContext } from './context.js';
import { updateRecord } from './record.js';

/** The canary copy: an ambient namespace, its workloads pinned to canary nodes (whose ztunnel is the new revision's). */
export async function deployWorkloads(ctx: RunContext, report: Reporter): Promise<void> {
  const { canaryNamespace, referenceGrant } = ctx.plan.manifests;
  await ctx.ports.workloads.apply([canaryNamespace, referenceGrant], ctx.signal);
  report.say(`namespace ${ctx.config.app.canaryNamespace} (ambient, served by the ${ctx.config.to.name} ztunnel of its nodes) and its ReferenceGrant applied`);
  const cloned = await ctx.ports.workloads.cloneNamespace(cloneOptions(ctx.config), ctx.signal);
  await updateRecord(ctx, (r) => (r.copy = cloned));
  report.say(`copied ${cloned.copied.length} object(s): ${cloned.copied.join(', ')}`);
  for (const r of cloned.rewrites) report.say(`rewritten for ${ctx.config.app.canaryNamespace}: ${r}`);
  for (const a of cloned.accepted) report.say(`not copied faithfully (copy.skip): ${a}`);
  for (const m of cloned.mentions) report.say(`${m} names namespace ${ctx.config.app.stableNamespace} in its text: copied as it is, not rewritten`);
  await ctx.ports.workloads.waitRollout(ctx.config.app.canaryNamespace, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say('every Deployment rolled out and available');
}
