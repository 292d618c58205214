import { describe, expect, it } from 'vitest';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { stableCluster } from '../../support/scenario.js';
import { meshEndState, runUpgrade, setup } from './harness.js';

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

describe('a run killed at any point', () => {
  it('is finished by a second `canary upgrade` with the same arguments, to the same end state', async () => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());
    const expected = endState(reference);
    const mutations = reference.journal.length;
    expect(mutations).toBeGreaterThan(30);

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
});
