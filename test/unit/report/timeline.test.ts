import { describe, expect, it } from 'vitest';
import { timeline } from '../../../src/report/timeline.js';
import { abortedAt50, promotedRun, runRecord, T0 } from './builders.js';

const at = (sec: number): number => T0 + sec * 1000;

describe('timeline: what the HTML report plots, from the record alone', () => {
  it('the weight is a step function: 0 until the first step, each step\'s weight, 0 again when traffic went back', () => {
    const t = timeline(abortedAt50());
    expect(t.weight).toEqual([
      [at(0), 0],
      [at(10), 0],
      [at(10), 10],
      [at(21), 10],
      [at(21), 50],
      [at(31.2), 50],
      [at(31.2), 0],
      [at(40), 0],
    ]);
    expect(t.steps).toEqual([{ at: at(10), weight: 10 }, { at: at(21), weight: 50 }]);
  });

  it('rates, error rates and p99 per revision: one segment per step, one point per window', () => {
    const t = timeline(abortedAt50());
    expect(t.rate.canary.map((s) => s.length)).toEqual([10, 10]);
    expect(t.rate.canary[0]?.[0]).toEqual([at(10.5), 50]);
    expect(t.rate.stable[1]?.[0]).toEqual([at(21.5), 250]);
    expect(t.errorPct.canary[1]?.[0]?.[1]).toBe(8);
    expect(t.errorPct.stable[1]?.[0]?.[1]).toBe(0);
    expect(t.p99Ms.canary[1]?.[0]?.[1]).toBe(80);
  });

  it('takes the SLO lines from the verdicts: the error budget in percent and the p99 bound', () => {
    const t = timeline(promotedRun());
    expect(t.budgetPct).toBe(0.5);
    expect(t.p99BoundMs).toBe(500);
  });

  it('a revision that served nothing has no point: no stable p99 at 100%', () => {
    const t = timeline(promotedRun());
    expect(t.p99Ms.stable).toHaveLength(2);
    expect(t.p99Ms.canary).toHaveLength(3);
    expect(t.abort).toBeUndefined();
  });

  it('marks the abort where the failing verdict came, with the outcome and reason', () => {
    expect(timeline(abortedAt50()).abort).toEqual({ at: at(31), label: 'aborted: weight 50%: the canary did not pass (fail)' });
  });

  it('a run aborted before any step: a flat weight, the abort at its end, no windows', () => {
    const t = timeline(runRecord((r) => {
      r.outcome = 'aborted';
      r.reason = 'smoke test failed';
      r.endedAt = new Date(at(9)).toISOString();
    }));
    expect(t.weight).toEqual([[at(0), 0], [at(9), 0]]);
    expect(t.abort).toEqual({ at: at(9), label: 'aborted: smoke test failed' });
    expect(t.rate.canary).toEqual([]);
  });
});
