import { describe, expect, it } from 'vitest';
import type { NodeFacts } from '../../../src/mesh/cluster-facts.js';
import { chooseCanaryNodes, type NodeSelectionInput } from '../../../src/mesh/node-selection.js';

const LABEL = 'istio.io/rev';

function n(name: string, rev?: string, state: { ready?: boolean; unschedulable?: boolean } = {}): NodeFacts {
  return { name, labels: rev ? { [LABEL]: rev } : {}, taints: [], ready: state.ready ?? true, unschedulable: state.unschedulable ?? false };
}

function choose(nodes: NodeFacts[], count = 1, named: string[] = []) {
  const input: NodeSelectionInput = { nodes, label: LABEL, stable: '1-29-6', canary: '1-30-3', count, named };
  return chooseCanaryNodes(input);
}

describe('chooseCanaryNodes: choosing', () => {
  it.each([
    ['a free node over a stable one', [n('s1', '1-29-6'), n('s2', '1-29-6'), n('free')], 1, ['free'], []],
    ['a resumed run\'s nodes first', [n('free'), n('mine', '1-30-3')], 1, ['mine'], []],
    ['every node a resumed run holds, even beyond the count', [n('a', '1-30-3'), n('b', '1-30-3'), n('free')], 1, ['a', 'b'], []],
    ['resumed nodes, then free ones', [n('free'), n('mine', '1-30-3'), n('s1', '1-29-6')], 2, ['mine', 'free'], []],
    ['a spare stable node when no node is free', [n('s1', '1-29-6'), n('s2', '1-29-6')], 1, ['s1'], ['s1']],
    ['free nodes before spare stable ones', [n('s1', '1-29-6'), n('s2', '1-29-6'), n('s3', '1-29-6'), n('free')], 2, ['free', 's1'], ['s1']],
    ['no node that is not Ready', [n('down', undefined, { ready: false }), n('s1', '1-29-6'), n('s2', '1-29-6')], 1, ['s1'], ['s1']],
    ['no cordoned node', [n('cordoned', undefined, { unschedulable: true }), n('free')], 1, ['free'], []],
    ['no node of a third revision', [n('other', '1-28-0'), n('free')], 1, ['free'], []],
  ])('takes %s', (_what, nodes, count, chosen, takenFromStable) => {
    expect(choose(nodes, count)).toEqual({ nodes: chosen, takenFromStable, problem: undefined });
  });
});

describe('chooseCanaryNodes: not enough nodes', () => {
  it('never takes the last stable node', () => {
    const choice = choose([n('s1', '1-29-6')]);
    expect(choice.nodes).toEqual([]);
    expect(choice.problem).toMatch(/needs 1 canary node\(s\) but only 0 can be used \(0 Ready node\(s\) without a istio.io\/rev label, 0 spare stable node\(s\)\)/);
  });

  it('says how many it could use and how to fix it', () => {
    const choice = choose([n('free'), n('s1', '1-29-6'), n('s2', '1-29-6')], 3);
    expect(choice).toEqual({
      nodes: [],
      takenFromStable: [],
      problem: 'needs 3 canary node(s) but only 2 can be used (1 Ready node(s) without a istio.io/rev label, 1 spare stable node(s)): add nodes, lower --node-count, or name nodes with --canary-nodes',
    });
  });
});

describe('chooseCanaryNodes: --canary-nodes', () => {
  const cluster = [n('s1', '1-29-6'), n('s2', '1-29-6'), n('free'), n('down', undefined, { ready: false }), n('other', '1-28-0'), n('mine', '1-30-3')];

  it.each([
    [['free'], ['free'], []],
    [['s1', 'free'], ['s1', 'free'], ['s1']],
    [['mine'], ['mine'], []],
  ])('takes the named nodes %j as given', (named, chosen, takenFromStable) => {
    expect(choose(cluster, named.length, named)).toEqual({ nodes: chosen, takenFromStable, problem: undefined });
  });

  it.each([
    [['ghost'], '--canary-nodes: ghost does not exist'],
    [['down'], '--canary-nodes: down is not Ready'],
    [['other'], '--canary-nodes: other is labelled istio.io/rev=1-28-0, a third revision'],
    [['s1', 's2'], '--canary-nodes: naming every istio.io/rev=1-29-6 node leaves the stable workloads nowhere to run'],
    [['ghost', 'down'], '--canary-nodes: ghost does not exist; down is not Ready'],
  ])('refuses %j: %s', (named, problem) => {
    expect(choose(cluster, named.length, named)).toEqual({ nodes: [], takenFromStable: [], problem });
  });
});
