import { isOwned } from '../mesh/labels.js';
import { canaryTaint } from '../plan/manifests.js';
import { ztunnelRelease } from '../mesh/charts.js';
import type { Reporter, RunContext } from './context.js';
import { inspectQuery } from './preflight.js';
import { addEvent, updateRecord } from './record.js';
import { tellRoute } from './route-events.js';
import { finishPromote } from './promote-tail.js';

/**
 * The new revision takes over: the route keeps only the canary backends, the Gateway is
 * labelled for the new revision, the remaining nodes move one at a time, istio-base's
 * validator and the `default` tag move to it, and the old revision's objects go — only those
 * ambient-canary created; the rest is left with a note.
 */
export async function promote(ctx: RunContext, report: Reporter): Promise<void> {
  const { ports, config, signal } = ctx;
  await ports.router.finalize('canary', ctx.stored.record.originalWeights ?? {}, signal);
  report.say('route: canary backends only, header rule removed');
  await ports.workloads.setGatewayRevision(config.gateway, config.to.name, signal);
  report.say(`Gateway ${config.gateway.namespace}/${config.gateway.name} labelled istio.io/rev=${config.to.name}`);
  await removeStableNamespace(ctx, report);
  await moveRemainingNodes(ctx, report);
  for (const node of ctx.stored.record.canaryNodes) await ports.nodes.untaint(node.name, canaryTaint(config), signal);
  report.say('canary taint removed: the canary nodes are ordinary mesh nodes now');
  await finishPromote(ctx, report);
  await updateRecord(ctx, (r) => {
    r.reason = undefined;
    addEvent(ctx, r, `promoted to ${config.to.name}`);
  });
  await tellRoute(ctx, { reason: 'CanaryPromoted', type: 'Normal', action: 'Promote', note: `run ${ctx.stored.record.id}: the route serves ${ctx.plan.revisions.canary} only; ${ctx.plan.revisions.stable} removed` });
}

async function removeStableNamespace(ctx: RunContext, report: Reporter): Promise<void> {
  const facts = await ctx.ports.reader.inspect(inspectQuery(ctx.config), ctx.signal);
  const ns = facts.namespaces[ctx.config.app.stableNamespace];
  if (!ns) return;
  if (!isOwned(ns.labels)) {
    report.say(`namespace ${ns.name} was not created by ambient-canary: left in place (delete it yourself once you are satisfied: kubectl delete namespace ${ns.name})`);
    return;
  }
  await ctx.ports.workloads.deleteNamespace(ns.name, ctx.config.timeouts.rolloutMs, ctx.signal);
  report.say(`namespace ${ns.name} deleted`);
}

/**
 * Cordon, drain, relabel, wait for the new ztunnel there, uncordon: one node at a time.
 * Each node is recorded before it is touched, so a resumed promote finishes a node it
 * left cordoned half-way.
 */
async function moveRemainingNodes(ctx: RunContext, report: Reporter): Promise<void> {
  const { ports, config, signal } = ctx;
  const facts = await ports.reader.inspect(inspectQuery(config), signal);
  const moving = new Set([...ctx.stored.record.promotedNodes, ...facts.nodes.filter((n) => n.labels[config.nodes.label] === config.from.name).map((n) => n.name)]);
  for (const node of facts.nodes.filter((n) => moving.has(n.name))) {
    await updateRecord(ctx, (r) => void (r.promotedNodes.includes(node.name) || r.promotedNodes.push(node.name)));
    if (node.labels[config.nodes.label] !== config.to.name) {
      await ports.nodes.cordon(node.name, true, signal);
      const drained = await ports.nodes.drain(node.name, config.timeouts.drainMs, signal);
      await ports.nodes.label(node.name, config.nodes.label, config.to.name, signal);
      report.say(`${node.name}: drained ${drained.evicted.length} pod(s), now ${config.nodes.label}=${config.to.name}`);
    }
    const expected = facts.nodes.filter((n) => ctx.stored.record.canaryNodes.some((c) => c.name === n.name) || ctx.stored.record.promotedNodes.includes(n.name)).length;
    await ports.workloads.waitDaemonSet(config.istio.namespace, ztunnelRelease(config.to.name), expected, config.timeouts.rolloutMs, signal);
    if (node.unschedulable || node.labels[config.nodes.label] !== config.to.name) await ports.nodes.cordon(node.name, false, signal);
    report.say(`${node.name}: ztunnel-${config.to.name} Ready there, schedulable again`);
  }
}
