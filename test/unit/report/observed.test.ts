import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/domain/run-record.js';
import type { ClusterFacts } from '../../../src/mesh/cluster-facts.js';
import { observeRun, type ObserveInput } from '../../../src/report/observed.js';
import { statusTable } from '../../../src/report/status-table.js';
import { plan, config, userRoute } from '../../support/scenario.js';
import { withCanary, withWeights } from '../../../src/gateway-api/rules.js';
import { runRecord } from './builders.js';

const context = plan(config()).route.context;
const LOCK = { holder: 'ci-runner/pid-9', since: '2026-11-23T12:00:00.000Z', renewedAt: '2026-11-23T12:00:10.000Z', expiresAt: '2026-11-23T12:00:40.000Z' };

/** The cluster of a run at `weight` with the canary node labelled and tainted, both releases installed. */
type MutableFacts = { -readonly [K in keyof ObserveInput['facts']]: ClusterFacts[K] };

function facts(weight: number | 'stable-only'): ObserveInput['facts'] {
  const route = userRoute();
  const rules = weight === 'stable-only' ? route.spec.rules : withWeights(withCanary(route.spec.rules ?? [], context), context, { stable: 100 - weight, canary: weight });
  const f = {
    nodes: [
      { name: 'node-1', labels: { 'istio.io/rev': '1-29-6' }, taints: [], unschedulable: false, ready: true },
      { name: 'node-3', labels: { 'istio.io/rev': '1-30-3' }, taints: [{ key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' }], unschedulable: false, ready: true },
    ],
    namespaces: { 'bookinfo-1-30-3': { name: 'bookinfo-1-30-3', labels: { 'app.kubernetes.io/managed-by': 'ambient-canary' }, terminating: false } },
    releases: ['istiod-1-29-6', 'ztunnel-1-29-6', 'istiod-1-30-3', 'ztunnel-1-30-3', 'istio-base'].map((name) => ({ name, namespace: 'istio-system', owned: true, status: 'deployed' })),
    route: { ...route, spec: { ...route.spec, rules } },
  } as MutableFacts;
  return f;
}

/** `lock: null`: nobody holds it. */
function observe(record: RunRecord, f: ObserveInput['facts'], lock: ObserveInput['lock'] | null = LOCK) {
  return observeRun({ record, facts: f, route: context, nodeLabel: 'istio.io/rev', canaryNamespace: 'bookinfo-1-30-3', lock: lock ?? undefined, at: '2026-11-23T12:01:00.000Z' });
}

const atWeight = (weight: number): RunRecord => runRecord((r) => {
  r.canaryNodes = [{ name: 'node-3', priorLabel: null }];
  r.weight = weight;
});

describe('observeRun: status reads the cluster and names every gap with the record', () => {
  it('agrees with a record that matches the cluster: the route, the canary node, the releases', () => {
    const o = observe(atWeight(10), facts(10));
    expect(o.route).toEqual({ state: 'split', stable: 90, canary: 10 });
    expect(o.nodes).toEqual([{ name: 'node-3', label: '1-30-3', canaryTaint: true }]);
    expect(o.releases.map((r) => r.name)).toEqual(['istiod-1-29-6', 'ztunnel-1-29-6', 'istiod-1-30-3', 'ztunnel-1-30-3']);
    expect(o.canaryNamespace).toEqual({ name: 'bookinfo-1-30-3', exists: true, owned: true });
    expect(o.findings).toEqual([]);
  });

  it('a process killed between moving the route and recording it: the route is at 50, the record at 10', () => {
    const o = observe(atWeight(10), facts(50));
    expect(o.findings).toEqual([expect.stringMatching(/^the route gives the canary 50%, the record says 10%: .*`canary abort`/)]);
  });

  it('a route with no canary backends counts as 0% for the canary', () => {
    expect(observe(atWeight(0), facts('stable-only')).findings).toEqual([]);
    expect(observe(atWeight(10), facts('stable-only')).findings[0]).toMatch(/gives the canary 0%, the record says 10%/);
  });

  it('a node labelled for the canary that the record does not list', () => {
    const record = runRecord((r) => void (r.canaryNodes = []));
    expect(observe(record, facts('stable-only')).findings).toEqual([expect.stringMatching(/^node node-3 carries istio.io\/rev=1-30-3 but the record does not list it/)]);
  });

  it('releases installed while the record has not reached the data plane: the process stopped mid-phase', () => {
    const record = runRecord((r) => {
      r.phase = 'canary-nodes';
      r.canaryNodes = [{ name: 'node-3', priorLabel: null }];
    });
    expect(observe(record, facts('stable-only')).findings).toEqual([expect.stringMatching(/^installed but not recorded as done: istiod-1-30-3 \(deployed\), ztunnel-1-30-3 \(deployed\)/)]);
  });

  it('an ended run whose canary is still there; a running run nobody holds the lock of is paused, not a gap', () => {
    const ended = runRecord((r) => {
      r.outcome = 'aborted';
      r.canaryNodes = [{ name: 'node-3', priorLabel: null }];
    });
    expect(observe(ended, facts('stable-only')).findings).toEqual([expect.stringMatching(/ended \(aborted\) but its canary is still here: istiod-1-30-3 \(deployed\), ztunnel-1-30-3 \(deployed\), namespace bookinfo-1-30-3/)]);
    expect(observe(atWeight(10), facts(10), null).findings).toEqual([]);
    expect(statusTable(atWeight(10), observe(atWeight(10), facts(10), null))).toMatch(/lock\s+free: no process is working on this run \(paused, or its process died\)/);
  });

  it('status shows the cluster beside the record', () => {
    const text = statusTable(atWeight(10), observe(atWeight(10), facts(50)));
    expect(text).toMatch(/route\s+50\/50 stable\/canary/);
    expect(text).toMatch(/nodes\s+node-3 1-30-3 tainted/);
    expect(text).toMatch(/lock\s+held by ci-runner\/pid-9/);
    expect(text).toMatch(/! the route gives the canary 50%/);
  });
});
