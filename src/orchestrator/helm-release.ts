import { InfraError } from '../domain/errors.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { HelmResult } from '../helm/ports.js';
import type { ReleaseFacts } from '../mesh/cluster-facts.js';
import { releaseManifest, rollbackTo, uninstall } from '../plan/helm-commands.js';
import { leftoverObjects } from '../plan/release-leftovers.js';
import type { Reporter, RunContext } from './context.js';
import { installedRelease } from './installed-chart.js';
import { inspectQuery } from './preflight.js';

/**
 * Runs a helm install or upgrade of one of our releases. A helm killed mid-operation (a
 * cancelled CI job kills the whole process group) leaves its release `pending-install` or
 * `pending-upgrade`, and helm then refuses every later operation on it ("another operation
 * (install/upgrade/rollback) is in progress"): a resumed run could never converge. So such
 * a leftover is cleared first: a pending install is uninstalled (it never finished, nothing
 * relies on it), a pending upgrade is rolled back to the revision before it.
 */
export async function runRelease(ctx: RunContext, inv: HelmInvocation, report: Reporter): Promise<HelmResult> {
  const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), ctx.signal);
  const stuck = facts.releases.find((r) => r.name === inv.release && r.owned && r.status.startsWith('pending-'));
  if (stuck) await clear(ctx, stuck, report);
  report.say(formatInvocation(inv));
  return ctx.ports.helm.run(inv, ctx.signal);
}

async function clear(ctx: RunContext, release: ReleaseFacts, report: Reporter): Promise<void> {
  const { config } = ctx;
  const left = `Helm release ${release.name} was left ${release.status} by a process that stopped`;
  if (release.status === 'pending-install') {
    const inv = uninstall(config, release.name);
    report.say(`${left}; clearing it first: ${formatInvocation(inv)}`);
    await ctx.ports.helm.run(inv, ctx.signal);
    return;
  }
  const listed = await installedRelease(ctx.ports.helm, config, release.name, config.istio.namespace, ctx.signal);
  const pending = listed?.revision ?? 0;
  if (pending < 2) {
    throw new InfraError(`${left}, but helm lists no revision before it to roll back to`, {
      object: `Helm release ${config.istio.namespace}/${release.name}`,
      fix: `look at \`helm history ${release.name} --namespace ${config.istio.namespace}\`, clear the release by hand, then run the command again`,
    });
  }
  // helm rollback's own default target, named so the manifests compared are the ones it uses.
  const good = pending - 1;
  const rollback = rollbackTo(config, release.name, good);
  report.say(`${left}; rolling it back first: ${formatInvocation(rollback)}`);
  await removeLeftovers(ctx, release.name, good, pending, report);
  await ctx.ports.helm.run(rollback, ctx.signal);
}

/** What the stopped upgrade had still to delete (src/plan/release-leftovers.ts says why helm's rollback cannot take it over), deleted first. */
async function removeLeftovers(ctx: RunContext, release: string, good: number, pending: number, report: Reporter): Promise<void> {
  const { config } = ctx;
  const [before, after] = await Promise.all([good, pending].map((r) => ctx.ports.helm.run(releaseManifest(config, release, r), ctx.signal)));
  const namespace = config.istio.namespace;
  for (const o of leftoverObjects(before?.stdout ?? '', after?.stdout ?? '', namespace)) {
    const object = { ...o, namespace: o.namespace ?? namespace };
    const outcome = await ctx.ports.workloads.deleteReleaseObject(object, { name: release, namespace }, ctx.signal);
    const named = `${o.kind} ${o.name}`;
    if (outcome === 'deleted') report.say(`deleted ${named}: revision ${pending} of ${release} no longer renders it, and its helm stopped before deleting it`);
    if (outcome === 'not-owned') report.say(`left ${named}: revision ${good} of ${release} rendered it, but it no longer carries that release's ownership annotations`);
  }
}
