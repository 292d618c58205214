import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, bucketUpperMs, countAbove, emptyHistogram, merged, quantile, record } from '../../../src/slo/histogram.js';

describe('latency histogram', () => {
  it('puts every value in a bucket whose upper bound is within 1% above it', () => {
    for (const ms of [0.02, 0.5, 1, 3.3, 10, 99.9, 250, 1000, 12_345, 60_000]) {
      const upper = bucketUpperMs(bucketOf(ms));
      expect(upper).toBeGreaterThanOrEqual(ms * (1 - 1e-12));
      expect(upper).toBeLessThanOrEqual(ms * 1.0100001);
    }
  });

  it('clamps below 10 µs and above the last bucket', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-1)).toBe(0);
    expect(bucketOf(1e9)).toBe(BUCKETS - 1);
  });

  it('answers quantiles within 1% and NaN when empty', () => {
    const h = emptyHistogram();
    expect(quantile(h, 0.99)).toBeNaN();
    for (let i = 1; i <= 1000; i++) record(h, i);
    expect(h.total).toBe(1000);
    expect(quantile(h, 0.5) / 500).toBeGreaterThanOrEqual(1);
    expect(quantile(h, 0.5) / 500).toBeLessThan(1.0101);
    expect(quantile(h, 0.99) / 990).toBeLessThan(1.0101);
    expect(quantile(h, 1) / 1000).toBeLessThan(1.0101);
  });

  it('merges by adding counts, and counts values wholly above a limit', () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    for (let i = 0; i < 90; i++) record(a, 10);
    for (let i = 0; i < 10; i++) record(b, 100);
    const m = merged([a, b]);
    expect(m.total).toBe(100);
    expect(countAbove(m, 50)).toBe(10);
    expect(countAbove(m, 100)).toBe(0);
    expect(countAbove(m, 9)).toBe(100);
    expect(a.total).toBe(90);
  });
});
