import { ztunnelRelease } from '../mesh/charts.js';
import type { Reporter, RunContext } from './context.js';
import { runRelease } from './helm-release.js';

export async function installControlPlane(ctx: RunContext, report: Reporter): Promise<void> {
  const result = await runRelease(ctx, ctx.plan.helm.controlPlane, report);
  report.say(`istiod-${ctx.config.to.name} Ready (${Math.round(result.durationMs / 1000)} s)`);
}

/** helm --wait passes a DaemonSet that matches no node, so readiness is checked by count. */
export async function installDataPlane(ctx: RunContext, report: Reporter): Promise<void> {
  await runRelease(ctx, ctx.plan.helm.dataPlane, report);
  const expected = ctx.stored.record.canaryNodes.length;
  await ctx.ports.workloads.waitDaemonSet(ctx.config.istio.namespace, ztunnelRelease(ctx.config.to.name), expected, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say(`ztunnel-${ctx.config.to.name} Ready on ${expected} node(s)`);
}
