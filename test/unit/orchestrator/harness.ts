import type { RunConfig } from '../../../src/config/types.js';
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
