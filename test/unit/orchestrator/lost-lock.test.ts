import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import { stableCluster } from '../../support/scenario.js';
import { runUpgrade, setup } from './harness.js';

describe('Given a run whose lease renewal finds the lock gone during the 10% bake', () => {
  it('puts traffic back on stable, keeps the run resumable, and says it lost the lock to whom', async () => {
    const cluster = stableCluster();
    const lockLost = new AbortController();
    const duringBake = () => lockLost.abort(new InfraError('lost the run lock: istio-system/ambient-canary is now held by another run, ci/pid-7'));
    const error = await runUpgrade(cluster, setup(), { lockLost, duringBake }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(/^lost the run lock: .* held by another run, ci\/pid-7/);
    expect((error as Error).message).not.toMatch(/lost the lock: lost/);
    // Every weighted rule sends nothing to the canary (the `traffic: test` rule still reaches it).
    const split = (cluster.route.spec.rules ?? []).filter((r) => (r.backendRefs ?? []).length > 1);
    expect(split.length).toBeGreaterThan(0);
    expect(split.flatMap((r) => r.backendRefs ?? []).filter((b) => b.namespace === 'bookinfo-1-30-3').map((b) => b.weight)).toEqual(split.map(() => 0));
    expect(cluster.records.get('1-29-6-to-1-30-3')?.record).toMatchObject({ weight: 0, outcome: 'running' });
  });
});
