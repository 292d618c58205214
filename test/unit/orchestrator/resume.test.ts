import { describe, expect, it } from 'vitest';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { stableCluster } from '../../support/scenario.js';
import { indexOf, meshEndState, runUpgrade, setup } from './harness.js';

class Crash extends Error {}

/** What a finished upgrade leaves, compared across runs that crashed at different points. */
function endState(cluster: FakeCluster): unknown {
  return {
    ...meshEndState(cluster),
    outcome: [...cluster.records.values()].map((r) => r.record.outcome),
  };
}

/** Kills the "process" at its n-th mutation: that and every later call of it fails. */
function crashAt(cluster: FakeCluster, n: number): void {
  let count = 0;
  cluster.beforeMutation = () => {
    if (++count >= n) throw new Crash(`killed at mutation ${n}`);
  };
}

/** Promote's tail, in the order it must run (src/mesh/promote-tail.ts): each is a point the loop below kills the run at, and after. */
const TAIL = [
  /^helm upgrade istio-base defaultRevision=1-30-3$/,
  /^helm upgrade istiod-1-29-6 tag=none$/,
  /^helm upgrade istiod-1-30-3 tag=default$/,
  /^helm uninstall ztunnel-1-29-6$/,
  /^helm uninstall istiod-1-29-6$/,
];

describe('a run killed at any point', () => {
  it('is finished by a second `canary upgrade` with the same arguments, to the same end state', async () => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());
    const expected = endState(reference);
    const mutations = reference.journal.length;
    expect(mutations).toBeGreaterThan(30);
    // The loop kills the run at (before) every one of these and at the mutation after each.
    const tail = TAIL.map((p) => indexOf(reference.journal, p));
    expect(tail.every((i) => i >= 0), reference.journal.join('\n')).toBe(true);
    expect(tail).toEqual([...tail].sort((a, b) => a - b));
    expect(expected).toMatchObject({ validator: '1-30-3', defaultTag: 'istiod-1-30-3', releases: ['istiod-1-30-3', 'ztunnel-1-30-3'] });

    for (let n = 1; n <= mutations; n++) {
      const cluster = stableCluster();
      crashAt(cluster, n);
      await expect(runUpgrade(cluster, setup())).rejects.toThrow(/killed at mutation/);
      cluster.beforeMutation = () => undefined;
      cluster.lease = undefined; // the dead holder's lease expires
      const second = await runUpgrade(cluster, setup());
      expect(second.kind, `killed at mutation ${n} (${reference.journal[n - 1]})`).toMatch(/promoted/);
      expect(endState(cluster), `killed at mutation ${n} (${reference.journal[n - 1]})`).toEqual(expected);
    }
  });

  it('killed between the stable istiod dropping the tag and the canary taking it: the resumed run takes it first, before any uninstall', async () => {
    const cluster = stableCluster();
    cluster.beforeMutation = (op) => {
      if (op === 'helm upgrade istiod-1-30-3 tag=default') throw new Crash('killed');
    };
    await expect(runUpgrade(cluster, setup())).rejects.toThrow(/killed/);
    expect(cluster.defaultTagHolder()).toBeUndefined();
    cluster.beforeMutation = () => undefined;
    cluster.lease = undefined;
    const before = cluster.journal.length;
    await runUpgrade(cluster, setup());
    const resumed = cluster.journal.slice(before).filter((l) => l.startsWith('helm '));
    expect(resumed).toEqual(['helm upgrade istiod-1-30-3 tag=default', 'helm uninstall ztunnel-1-29-6', 'helm uninstall istiod-1-29-6']);
  });
});
