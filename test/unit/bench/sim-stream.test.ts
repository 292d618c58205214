import { describe, expect, it } from 'vitest';
import { lognormal, lognormalQuantile, scaled, StepStream, TICK_MS, type StepLoad } from '../../../bench/sim-stream.js';
import { countAbove, quantile } from '../../../src/slo/histogram.js';
import { combine } from '../../../src/slo/window.js';
import { seeded } from '../../support/seeded.js';

const LATENCY = lognormal(4, 15);

function step(canaryPercent: number, over: Partial<StepLoad> = {}): StepLoad {
  return { rps: 500, canaryPercent, windowMs: 1000, p99Ms: 500, stable: { errorRate: 0.001, latency: LATENCY }, canary: { errorRate: 0.001, latency: LATENCY }, ...over };
}

function drawn(load: StepLoad, windows: number, seed = 1): StepStream {
  const s = new StepStream(load, seeded(seed));
  while (s.windows.length < windows) s.nextTick();
  return s;
}

/** |observed - expected| within 4 binomial standard deviations (two-sided 6e-5). */
function withinBinomial(k: number, n: number, p: number): void {
  expect(Math.abs(k - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)) + 1);
}

describe('simulated step stream', () => {
  it('sends rps/10 requests per 100 ms tick and closes a 1 s window every 10 ticks, the ticks adding up to their window', () => {
    const s = drawn(step(10), 3);
    expect(s.ticks).toHaveLength(30);
    expect(s.ticks.map((t) => t.endMs)).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * TICK_MS));
    expect(s.windows.map((w) => [w.startMs, w.endMs])).toEqual([[0, 1000], [1000, 2000], [2000, 3000]]);
    s.windows.forEach((w, i) => {
      const ticks = s.ticks.slice(10 * i, 10 * i + 10);
      for (const rev of ['canary', 'stable'] as const) {
        for (const k of ['requests', 'errors', 'slow'] as const) expect(w[rev][k]).toBe(ticks.reduce((n, t) => n + t[rev][k], 0));
        expect(w[rev].latency.total).toBe(w[rev].requests);
      }
      expect(w.canary.requests + w.stable.requests).toBe(500);
      expect(ticks.every((t) => t.outcomes === 50 && t.unattributed === 0)).toBe(true);
    });
  });

  it('splits binomially by the weight: 10% and 50% within 4 standard deviations, 100% all canary', () => {
    for (const weight of [10, 50]) {
      const all = combine(drawn(step(weight), 200, weight).windows);
      withinBinomial(all.canary.requests, 100_000, weight / 100);
      expect(Math.abs(all.canary.requests / 100_000 - weight / 100)).toBeLessThan(0.005);
    }
    const full = combine(drawn(step(100), 5).windows);
    expect(full.stable.requests).toBe(0);
    expect(full.canary.requests).toBe(2500);
  });

  it("fails each revision's requests at its own rate", () => {
    const all = combine(drawn(step(50, { stable: { errorRate: 0.002, latency: LATENCY }, canary: { errorRate: 0.01, latency: LATENCY } }), 400, 3).windows);
    withinBinomial(all.stable.errors, all.stable.requests, 0.002);
    withinBinomial(all.canary.errors, all.canary.requests, 0.01);
    expect(all.canary.errors / all.canary.requests).toBeGreaterThan(0.009);
    expect(all.canary.errors / all.canary.requests).toBeLessThan(0.011);
  });

  it('draws latencies with the asked median and p99, scaled for a slower canary, and counts slow responses above the bound', () => {
    expect(lognormalQuantile(LATENCY, 0)).toBeCloseTo(4, 9);
    expect(lognormalQuantile(LATENCY, 2.3263478740408408)).toBeCloseTo(15, 9);
    const all = combine(drawn(step(50, { p99Ms: 15, canary: { errorRate: 0.001, latency: scaled(LATENCY, 3) } }), 200, 4).windows);
    // Quantiles are bucket upper bounds (at most 1% above); sampling adds about 1% at 50,000 draws.
    expect(quantile(all.stable.latency, 0.5) / 4).toBeGreaterThan(0.98);
    expect(quantile(all.stable.latency, 0.5) / 4).toBeLessThan(1.03);
    expect(quantile(all.stable.latency, 0.99) / 15).toBeGreaterThan(0.96);
    expect(quantile(all.stable.latency, 0.99) / 15).toBeLessThan(1.05);
    expect(quantile(all.canary.latency, 0.99) / 45).toBeGreaterThan(0.96);
    expect(quantile(all.canary.latency, 0.99) / 45).toBeLessThan(1.05);
    // "slow" is exact (above p99Ms = 15 ms): 1% of the stable's, and between the histogram's conservative count and it plus a bucket.
    withinBinomial(all.stable.slow, all.stable.requests, 0.01);
    expect(all.stable.slow).toBeGreaterThanOrEqual(countAbove(all.stable.latency, 15));
    expect(all.stable.slow).toBeLessThanOrEqual(countAbove(all.stable.latency, 15 / 1.01));
  });

  it("changes only the canary's behaviour, from the onset on", () => {
    const s = drawn(step(50, { onset: { atMs: 50_000, canary: { errorRate: 0.2, latency: LATENCY } } }), 100, 5);
    const before = combine(s.windows.slice(0, 50));
    const after = combine(s.windows.slice(50));
    expect(before.canary.errors / before.canary.requests).toBeLessThan(0.003);
    withinBinomial(after.canary.errors, after.canary.requests, 0.2);
    withinBinomial(after.stable.errors, after.stable.requests, 0.001);
  });

  it('gives the same draws for the same seed, other draws for another', () => {
    const figures = (seed: number): number[] => drawn(step(10), 5, seed).windows.flatMap((w) => [w.canary.requests, w.canary.errors, w.stable.errors, w.stable.latency.total]);
    expect(figures(9)).toEqual(figures(9));
    expect(figures(9)).not.toEqual(figures(10));
  });
});
