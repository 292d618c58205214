import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/domain/run-record.js';
import type { ClusterFacts, NodeFacts } from '../../../src/mesh/cluster-facts.js';
import { OWNED } from '../../../src/mesh/labels.js';
import { newRecord } from '../../../src/orchestrator/record.js';
import { revertSteps, type RevertInput, type RevertStep } from '../../../src/orchestrator/revert-plan.js';
import { config, plan } from '../../support/scenario.js';

type Presence = 'absent' | 'owned' | 'foreign';
type Nodes = 'recorded' | 'unrecorded' | 'promoted';

const CANARY_NS = 'bookinfo-1-30-3';
const LABEL = 'istio.io/rev';
const PRESENCE: Presence[] = ['absent', 'owned', 'foreign'];
const NODES: Nodes[][] = [[], ['recorded'], ['unrecorded'], ['promoted'], ['recorded', 'unrecorded', 'promoted']];

function record(nodes: Nodes[]): RunRecord {
  const c = config();
  const r = newRecord(c, plan(c), new Date('2026-11-23T12:00:00Z'), { host: 'test', ciJob: undefined });
  if (nodes.includes('recorded')) r.canaryNodes = [{ name: 'rec-free', priorLabel: null }, { name: 'rec-stable', priorLabel: '1-29-6' }];
  if (nodes.includes('promoted')) r.promotedNodes = ['moved'];
  return r;
}

function node(name: string, rev: string | undefined): NodeFacts {
  return { name, labels: rev ? { [LABEL]: rev } : {}, taints: [], unschedulable: false, ready: true };
}

function facts(ns: Presence, releases: Presence, nodes: Nodes[]): RevertInput['facts'] {
  const cluster: NodeFacts[] = [node('stable-1', '1-29-6'), node('other', '1-28-0')];
  if (nodes.includes('recorded')) cluster.push(node('rec-free', '1-30-3'), node('rec-stable', '1-30-3'));
  if (nodes.includes('unrecorded')) cluster.push(node('stray', '1-30-3'));
  if (nodes.includes('promoted')) cluster.push(node('moved', '1-30-3'));
  const namespaces: ClusterFacts['namespaces'] = ns === 'absent' ? {} : { [CANARY_NS]: { name: CANARY_NS, labels: ns === 'owned' ? { ...OWNED } : { team: 'shop' }, terminating: false } };
  const rel = (name: string) => ({ name, namespace: 'istio-system', owned: releases === 'owned', status: 'deployed' });
  return { namespaces, nodes: cluster, releases: releases === 'absent' ? [rel('istiod-1-29-6')] : [rel('istiod-1-30-3'), rel('ztunnel-1-30-3'), { ...rel('istiod-1-29-6'), owned: true }] };
}

const cases = [false, true].flatMap((keepCanary) =>
  PRESENCE.flatMap((ns) => PRESENCE.flatMap((releases) => NODES.map((nodes) => ({ keepCanary, ns, releases, nodes })))),
);

const removals = (steps: RevertStep[]) => steps.filter((s) => s.kind === 'namespace' || s.kind === 'release' || s.kind === 'node');
const index = (steps: RevertStep[], kind: string, name: string) => steps.findIndex((s) => s.kind === kind && 'name' in s && s.name === name);

describe.each(cases)('revertSteps: keepCanary=$keepCanary, namespace $ns, releases $releases, nodes $nodes', ({ keepCanary, ns, releases, nodes }) => {
  const steps = revertSteps({ record: record(nodes), facts: facts(ns, releases, nodes), keepCanary, canaryNamespace: CANARY_NS, nodeLabel: LABEL });
  const notes = steps.flatMap((s) => (s.kind === 'note' ? [s.message] : []));

  it('puts traffic first: weights back to stable, then the header rule and canary backends', () => {
    expect(steps.slice(0, 2)).toEqual([{ kind: 'weights' }, { kind: 'route' }]);
    expect(steps.slice(2).some((s) => s.kind === 'weights' || s.kind === 'route')).toBe(false);
  });

  it('never schedules the removal of anything it did not create, and says what it left', () => {
    const released = steps.flatMap((s) => (s.kind === 'release' ? [s.name] : []));
    if (ns !== 'owned') expect(steps.some((s) => s.kind === 'namespace')).toBe(false);
    if (releases !== 'owned') expect(released).toEqual([]);
    expect(released).not.toContain('istiod-1-29-6');
    expect(steps.some((s) => s.kind === 'node' && ['stable-1', 'other', 'moved'].includes(s.name))).toBe(false);
    if (!keepCanary && ns === 'foreign') expect(notes.some((m) => m.includes(`namespace ${CANARY_NS}`) && m.includes('left as it is'))).toBe(true);
    if (!keepCanary && releases === 'foreign') expect(notes.filter((m) => /Helm release (ztunnel|istiod)-1-30-3 was not installed by ambient-canary/.test(m))).toHaveLength(2);
  });

  it('removes its own canary objects unless told to keep them', () => {
    const shouldRemove = !keepCanary;
    expect(index(steps, 'namespace', CANARY_NS) >= 0).toBe(shouldRemove && ns === 'owned');
    expect(index(steps, 'release', 'ztunnel-1-30-3') >= 0).toBe(shouldRemove && releases === 'owned');
    expect(index(steps, 'release', 'istiod-1-30-3') >= 0).toBe(shouldRemove && releases === 'owned');
    if (keepCanary) {
      expect(removals(steps)).toEqual([]);
      expect(notes.join()).toMatch(/--keep-canary/);
    }
  });

  it('removes the data plane before the control plane, and the workloads before both', () => {
    const ztunnel = index(steps, 'release', 'ztunnel-1-30-3');
    const istiod = index(steps, 'release', 'istiod-1-30-3');
    if (ztunnel >= 0) expect(ztunnel).toBeLessThan(istiod);
    const namespace = index(steps, 'namespace', CANARY_NS);
    if (namespace >= 0 && ztunnel >= 0) expect(namespace).toBeLessThan(ztunnel);
  });

  it('gives every canary node its prior label back, and leaves promoted and other nodes alone', () => {
    const nodeSteps = steps.filter((s) => s.kind === 'node');
    const expected = keepCanary
      ? []
      : [
          ...(nodes.includes('recorded') ? [{ kind: 'node', name: 'rec-free', priorLabel: null }, { kind: 'node', name: 'rec-stable', priorLabel: '1-29-6' }] : []),
          ...(nodes.includes('unrecorded') ? [{ kind: 'node', name: 'stray', priorLabel: null }] : []),
        ];
    expect(nodeSteps).toEqual(expected);
  });

  it('relabels nodes only after the canary ztunnel that ran on them is gone', () => {
    const ztunnel = index(steps, 'release', 'ztunnel-1-30-3');
    const firstNode = steps.findIndex((s) => s.kind === 'node');
    if (ztunnel >= 0 && firstNode >= 0) expect(ztunnel).toBeLessThan(firstNode);
  });
});

describe('revertSteps with nothing left of the canary', () => {
  it('still reverts the traffic (a crash may have left weights on the route)', () => {
    const steps = revertSteps({ record: record([]), facts: facts('absent', 'absent', []), keepCanary: false, canaryNamespace: CANARY_NS, nodeLabel: LABEL });
    expect(steps).toEqual([{ kind: 'weights' }, { kind: 'route' }]);
  });
});
