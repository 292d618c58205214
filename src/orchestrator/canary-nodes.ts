import type { CanaryNodeRecord } from '../domain/run-record.js';
import { canaryTaint } from '../plan/manifests.js';
import type { Reporter, RunContext } from './context.js';
import { updateRecord } from './record.js';

/**
 * Taint first (stable pods stay off), then drain (PDBs respected), then label (the
 * canary ztunnel lands, the stable one leaves). What each node had before is recorded
 * before it is touched, so a revert from any point restores it.
 */
export async function prepareCanaryNodes(ctx: RunContext, report: Reporter, chosen: readonly string[]): Promise<void> {
  const label = ctx.config.nodes.label;
  await updateRecord(ctx, (r) => {
    const known = new Set(r.canaryNodes.map((n) => n.name));
    const added: CanaryNodeRecord[] = chosen.filter((name) => !known.has(name)).map((name) => ({ name, priorLabel: ctx.facts?.nodes.find((n) => n.name === name)?.labels[label] ?? null }));
    r.canaryNodes.push(...added);
  });
  const taint = canaryTaint(ctx.config);
  for (const { name } of ctx.stored.record.canaryNodes) {
    await ctx.ports.nodes.taint(name, taint, ctx.signal);
    const drained = await ctx.ports.nodes.drain(name, ctx.config.timeouts.drainMs, ctx.signal);
    report.say(`${name}: tainted ${taint.key}=${taint.value}:${taint.effect}, drained ${drained.evicted.length} pod(s)`);
    await ctx.ports.nodes.label(name, label, ctx.config.to.name, ctx.signal);
    report.say(`${name}: labelled ${label}=${ctx.config.to.name}`);
  }
}
