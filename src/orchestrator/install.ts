import { formatInvocation } from '../domain/helm-invocation.js';
import { ztunnelRelease } from '../mesh/charts.js';
import type { Reporter, RunContext } from './context.js';

export async function installControlPlane(ctx: RunContext, report: Reporter): Promise<void> {
  report.say(formatInvocation(ctx.plan.helm.controlPlane));
  const result = await ctx.ports.helm.run(ctx.plan.helm.controlPlane, ctx.signal);
  report.say(`istiod-${ctx.config.to.name} Ready (${Math.round(result.durationMs / 1000)} s)`);
}

/** helm --wait passes a DaemonSet that matches no node, so readiness is checked by count. */
export async function installDataPlane(ctx: RunContext, report: Reporter): Promise<void> {
  report.say(formatInvocation(ctx.plan.helm.dataPlane));
  await ctx.ports.helm.run(ctx.plan.helm.dataPlane, ctx.signal);
  const expected = ctx.stored.record.canaryNodes.length;
  await ctx.ports.workloads.waitDaemonSet(ctx.config.istio.namespace, ztunnelRelease(ctx.config.to.name), expected, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say(`ztunnel-${ctx.config.to.name} Ready on ${expected} node(s)`);
}
