// Short descriptions of the simulator's state, for the one-line-per-change log.

import type { Condition } from '../model/gateway-api.js';
import type { NodeDataPlane } from '../mesh/ztunnel.js';
import type { GatewayPlan, RoutePlan } from './gateways.js';
import type { World } from './world.js';

function conds(conditions: Condition[] | undefined): string {
  return (conditions ?? []).map((c) => `${c.type}=${c.status}${c.status === 'True' ? '' : `/${c.reason}`}`).join(' ');
}

export function describeGateways(plans: GatewayPlan[]): Map<string, string> {
  return new Map(
    plans.map((p) => {
      const listeners = (p.status.listeners ?? []).map((l) => `${l.name}:${p.gateway.spec.listeners.find((x) => x.name === l.name)?.port} routes=${l.attachedRoutes}`).join(', ');
      const by = p.controller.ok ? `programmed by ${p.controller.istiod}` : `not programmed (${p.controller.message})`;
      return [p.key, `${p.address ?? 'no address'} ${by}; ${conds(p.status.conditions)}; listeners ${listeners}`];
    }),
  );
}

export function describeRoutes(plans: RoutePlan[]): Map<string, string> {
  return new Map(
    plans.map((p) => {
      const parents = p.parents.map((s) => `${s.parentRef.name}: ${conds(s.conditions)} @gen ${s.conditions[0]?.observedGeneration ?? '?'}`).join('; ');
      return [`${p.route.metadata.namespace}/${p.route.metadata.name}`, `generation ${p.route.metadata.generation ?? '?'}; ${parents || 'no parents of ours'}`];
    }),
  );
}

function node(dp: NodeDataPlane): string {
  if (dp.state === 'broken') return `BROKEN, ztunnels of ${dp.daemonSets.join(' and ')}`;
  if (dp.state === 'none') return 'no ztunnel';
  return `ztunnel ${dp.pod.key} (${dp.pod.daemonSet}) ${dp.state === 'ready' ? 'Ready' : 'NOT Ready'}`;
}

export function describeMesh(world: World): { istiods: Map<string, string>; nodes: Map<string, string>; ztunnels: Map<string, string> } {
  const istiods = new Map(
    world.controlPlane.istiods.map((i) => [i.key, `revision ${i.revision}, ${i.ready ? 'Ready' : 'not Ready'}, ambient ${i.ambient ? 'on' : 'off'}, trusts ${i.trustedRaw || 'nobody'}`]),
  );
  const nodes = new Map([...world.dataPlane.nodes].map(([n, dp]) => [n, node(dp)]));
  const ztunnels = new Map(
    [...world.dataPlane.daemonSets].map(([k, s]) => {
      const f = s.fault;
      const fault = f.errorRate > 0 || f.latencyMs > 0 ? `faults error-rate=${f.errorRate} status=${f.statusCode} latency=${f.latencyMs}ms after=${f.afterSeconds}s from ${new Date(s.faultStartMs).toISOString()}` : 'no faults';
      return [k, `revision ${s.revision}, ${fault}${f.problems.length ? `; ignored ${f.problems.join(', ')}` : ''}`];
    }),
  );
  return { istiods, nodes, ztunnels };
}
