import { describe, expect, it } from 'vitest';
import { WINDOW_BUDGET } from '../../../src/domain/run-record.js';
import { judgedWindows } from '../../support/run-record.js';
import { stableCluster } from '../../support/scenario.js';
import { runUpgrade, setup } from './harness.js';

describe('Given bakes that judge 1,800 windows a step (30 min at 1 s)', () => {
  it('the run promotes, and its record keeps each step thinned to its share of the window budget, from first to last window', async () => {
    const cluster = stableCluster();
    const all = judgedWindows(1800);
    await runUpgrade(cluster, setup(), { bakeWindows: () => all });
    const record = [...cluster.records.values()][0]?.record;
    expect(record?.outcome).toBe('promoted');
    expect(record?.steps.map((s) => s.windows?.length)).toEqual(record?.schedule.map(() => WINDOW_BUDGET / 3));
    for (const s of record?.steps ?? []) {
      expect(s.windows?.[0]).toEqual(all[0]);
      expect(s.windows?.at(-1)).toEqual(all.at(-1));
    }
  });
});
