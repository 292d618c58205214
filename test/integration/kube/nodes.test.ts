import type { V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { site } from '../../../src/kube/errors.js';
import type { NodeTaint } from '../../../src/plan/manifests.js';
import { TO_REV } from '../../support/demo-versions.js';
import { createFakeNode, kube, never, suffix } from './support.js';

const { client, ports } = kube();
const key = `it.ambient-canary.dev/nodes-${suffix()}`;
const node = `it-nodes-${suffix()}`;
let removeNode: () => Promise<void>;

async function read(): Promise<V1Node> {
  return client.call(site('get', 'Node', undefined, node), never, () => client.core.readNode({ name: node }));
}

const taintOf = (value: string): NodeTaint => ({ key, value, effect: 'NoSchedule' });

beforeAll(async () => {
  // A node of our own, already carrying someone else's taint that must survive our edits.
  removeNode = await createFakeNode(client, node, { key: `${key}-theirs`, value: 'keep', effect: 'NoExecute' });
});

afterAll(async () => removeNode());

describe('NodeOps against the real apiserver', () => {
  it('taints idempotently and keeps the taints others put there', async () => {
    const others = (await read()).spec?.taints ?? [];
    expect(others).toContainEqual({ key: `${key}-theirs`, value: 'keep', effect: 'NoExecute' });
    await ports.nodes.taint(node, taintOf('a'), never);
    const once = await read();
    await ports.nodes.taint(node, taintOf('a'), never);
    const twice = await read();
    expect(twice.metadata?.resourceVersion).toBe(once.metadata?.resourceVersion);
    expect(twice.spec?.taints).toEqual([...others, { key, value: 'a', effect: 'NoSchedule' }]);

    await ports.nodes.untaint(node, taintOf('a'), never);
    await ports.nodes.untaint(node, taintOf('a'), never);
    expect((await read()).spec?.taints ?? []).toEqual(others);
  });

  it('loses no taint when two writers edit at once (compare-and-swap, retried on 409)', async () => {
    const other: NodeTaint = { key: `${key}-other`, value: 'b', effect: 'NoSchedule' };
    try {
      await Promise.all([ports.nodes.taint(node, taintOf('b'), never), ports.nodes.taint(node, other, never)]);
      const taints = (await read()).spec?.taints ?? [];
      expect(taints).toEqual(expect.arrayContaining([{ key, value: 'b', effect: 'NoSchedule' }, { ...other }]));
    } finally {
      await ports.nodes.untaint(node, other, never);
      await ports.nodes.untaint(node, taintOf('b'), never);
    }
  });

  it('sets and removes a label, touching no other', async () => {
    const before = (await read()).metadata?.labels ?? {};
    await ports.nodes.label(node, key, TO_REV, never);
    expect((await read()).metadata?.labels).toEqual({ ...before, [key]: TO_REV });
    await ports.nodes.label(node, key, null, never);
    await ports.nodes.label(node, key, null, never);
    expect((await read()).metadata?.labels).toEqual(before);
  });

  it('cordons and uncordons', async () => {
    await ports.nodes.cordon(node, true, never);
    try {
      expect((await read()).spec?.unschedulable).toBe(true);
    } finally {
      await ports.nodes.cordon(node, false, never);
    }
    expect((await read()).spec?.unschedulable).toBeFalsy();
  });
});
