import type { RunConfig } from '../../../src/config/types.js';
import type { Ports } from '../../../src/orchestrator/context.js';
import type { StoredRun } from '../../../src/state/ports.js';
import { upgrade } from '../../../src/orchestrator/upgrade.js';
import type { Plan } from '../../../src/plan/build.js';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { fakePorts, type FakeBehaviour } from '../../support/fake-ports.js';
import { config as makeConfig, plan as makePlan } from '../../support/scenario.js';

export interface Run {
  readonly config: RunConfig;
  readonly plan: Plan;
  readonly controller: AbortController;
}

export function setup(values: Record<string, unknown> = {}): Run {
  const config = makeConfig({ 'steps.bake': '1s', ...values });
  return { config, plan: makePlan(config), controller: new AbortController() };
}

export function runUpgrade(cluster: FakeCluster, run: Run, behaviour: FakeBehaviour = {}): ReturnType<typeof upgrade> {
  const ports = fakePorts(cluster, run.plan, behaviour);
  return upgrade({ config: run.config, plan: run.plan, ports, signal: run.controller.signal, progress: 'silent' });
}

/** Index of the first journal entry matching, or -1. */
export function indexOf(journal: readonly string[], pattern: RegExp): number {
  return journal.findIndex((line) => pattern.test(line));
}

/** The route as the user wrote it, without server fields: what a revert must give back. */
export function routeSpec(cluster: FakeCluster): unknown {
  return cluster.route.spec;
}

/**
 * What the mesh looks like: nodes, namespaces, releases, the route and the Gateway's labels,
 * the revision istio-base's validator calls and the release holding the `default` tag.
 */
export function meshEndState(cluster: FakeCluster): Record<string, unknown> {
  return {
    nodes: Object.fromEntries([...cluster.nodes].map(([name, n]) => [name, { labels: n.labels, taints: n.taints, unschedulable: n.unschedulable }])),
    namespaces: [...cluster.namespaces.keys()].sort(),
    releases: [...cluster.releases.keys()].sort(),
    route: cluster.route.spec,
    gateway: cluster.gateway.metadata.labels,
    validator: cluster.base?.defaultRevision,
    defaultTag: cluster.defaultTagHolder(),
  };
}

/** The run record as another process would read it now. */
export function storedRun(cluster: FakeCluster, id = '1-29-6-to-1-30-3'): StoredRun {
  const r = cluster.records.get(id);
  if (!r) throw new Error(`test: no record ${id}`);
  return { record: structuredClone(r.record), version: String(r.version) };
}

/** Ports whose lock is taken only after `meanwhile` ran: another process acting between our read and our lock. */
export function lockAfter(ports: Ports, meanwhile: () => Promise<void>): Ports {
  const acquire = ports.lock.acquire.bind(ports.lock);
  return {
    ...ports,
    lock: {
      ...ports.lock,
      acquire: async (holder: string, signal: AbortSignal) => {
        await meanwhile();
        return acquire(holder, signal);
      },
    },
  };
}
