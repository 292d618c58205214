import { formatDuration } from '../config/duration.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { HelmResult } from '../helm/ports.js';
import type { ReleaseFacts } from '../mesh/cluster-facts.js';
import { uninstall } from '../plan/helm-commands.js';
import type { Reporter, RunContext } from './context.js';
import { inspectQuery } from './preflight.js';

/**
 * Runs a helm install or upgrade of one of our releases. A helm killed mid-operation (a
 * cancelled CI job kills the whole process group) leaves its release `pending-install` or
 * `pending-upgrade`, and helm then refuses every later operation on it ("another operation
 * (install/upgrade/rollback) is in progress"): a resumed run could never converge. So such
 * a leftover is cleared first: a pending install is uninstalled (it never finished, nothing
 * relies on it), a pending upgrade is rolled back to its last good version.
 */
export async function runRelease(ctx: RunContext, inv: HelmInvocation, report: Reporter): Promise<HelmResult> {
  const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), ctx.signal);
  const stuck = facts.releases.find((r) => r.name === inv.release && r.owned && r.status.startsWith('pending-'));
  if (stuck) {
    const clear = clearing(ctx, stuck);
    report.say(`Helm release ${stuck.name} was left ${stuck.status} by a process that stopped; clearing it first: ${formatInvocation(clear)}`);
    await ctx.ports.helm.run(clear, ctx.signal);
  }
  report.say(formatInvocation(inv));
  return ctx.ports.helm.run(inv, ctx.signal);
}

function clearing(ctx: RunContext, release: ReleaseFacts): HelmInvocation {
  const { config } = ctx;
  if (release.status === 'pending-install') return uninstall(config, release.name);
  const args = ['rollback', release.name, '--namespace', config.istio.namespace, '--wait', '--timeout', formatDuration(config.istio.helmTimeoutMs)];
  return { bin: config.istio.helmBinary, args, release: release.name, namespace: config.istio.namespace, mutates: true };
}
