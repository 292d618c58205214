import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/slo/decide.js';
import { DEFAULT_SLO } from '../../../src/slo/spec.js';
import { windows, type WindowSpec } from './builders.js';
import { seeded } from '../../support/seeded.js';

function draws(n: number, p: number, random: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** Windows of 500 rps at a canary weight; the canary's error rate may change at `onset`. */
function simulate(random: () => number, weight: number, count: number, background: number, faulty = background, onset = count): WindowSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const canary = draws(500, weight / 100, random);
    return { stable: { n: 500 - canary, errors: draws(500 - canary, background, random) }, canary: { n: canary, errors: draws(canary, i >= onset ? faulty : background, random) } };
  });
}

function firstStop(specs: readonly WindowSpec[], weight: number, bakeMs: number): { kind: string; after: number } {
  const all = windows(specs);
  for (let i = 1; i <= all.length; i++) {
    const d = decide({ spec: DEFAULT_SLO, canaryPercent: weight, bakeMs, windows: all.slice(0, i), ended: i === all.length });
    if (d.done) return { kind: d.verdict.kind, after: i };
  }
  return { kind: 'none', after: all.length };
}

// Seeded draws, so the operating characteristics below are reproducible.
describe('operating characteristics at 500 rps (seeded Monte Carlo)', () => {
  it('never aborts a healthy canary with 0.1% background errors under a 0.5% budget (300 bakes at 10% and 50%)', () => {
    const random = seeded(42);
    const kinds: string[] = [];
    for (let run = 0; run < 150; run++) {
      for (const weight of [10, 50]) kinds.push(firstStop(simulate(random, weight, 12, 0.001), weight, 10_000).kind);
    }
    expect(kinds.filter((k) => k !== 'pass')).toEqual([]);
  });

  it('aborts a 14.4× burn starting mid-bake at 10% within 2 windows of onset in at least 90% of runs', () => {
    const random = seeded(7);
    const delays: number[] = [];
    for (let run = 0; run < 100; run++) {
      const stop = firstStop(simulate(random, 10, 20, 0.001, 14.4 * 0.005, 5), 10, 20_000);
      expect(stop.kind).toBe('fail');
      delays.push(stop.after - 5);
    }
    // Seen with this seed: 66 within 1 window, 24 in 2, 10 in 3.
    expect(delays.filter((d) => d <= 1).length).toBeGreaterThanOrEqual(60);
    expect(delays.filter((d) => d <= 2).length).toBeGreaterThanOrEqual(90);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5);
  });
});
