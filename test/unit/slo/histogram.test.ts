import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, bucketUpperMs, countAbove, emptyHistogram, mergeInto, merged, quantile, record, type Histogram } from '../../../src/slo/histogram.js';

/** The answers by scanning all 1600 buckets, as the histogram did before it kept its non-empty range. */
function scanQuantile(h: Histogram, q: number): number {
  if (h.total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * h.total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i] as number;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(BUCKETS - 1);
}

function scanAbove(h: Histogram, ms: number): number {
  let n = 0;
  for (let i = bucketOf(ms) + 1; i < BUCKETS; i++) n += h.counts[i] as number;
  return n;
}

function filled(values: readonly number[]): Histogram {
  const h = emptyHistogram();
  for (const v of values) record(h, v);
  return h;
}

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

  it('keeps the range of its non-empty buckets, so merges, quantiles and counts above touch only that range and answer as a full scan', () => {
    const latency = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, -1, 0.01, 1e9));
    const histograms = fc.array(fc.array(latency, { maxLength: 40 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(histograms, fc.double({ min: 0.001, max: 1, noNaN: true }), latency, (lists, q, limit) => {
        const parts = lists.map(filled);
        const m = merged(parts);
        const into = mergeInto(filled([]), parts[0] as Histogram);
        for (const h of [...parts, m, into]) {
          const nonEmpty = [...h.counts.keys()].filter((i) => h.counts[i] !== 0);
          expect(h.lo).toBe(nonEmpty.length > 0 ? Math.min(...nonEmpty) : BUCKETS);
          expect(h.hi).toBe(nonEmpty.length > 0 ? Math.max(...nonEmpty) : -1);
          expect(Object.is(quantile(h, q), scanQuantile(h, q))).toBe(true);
          expect(countAbove(h, limit)).toBe(scanAbove(h, limit));
        }
        expect([...m.counts]).toEqual([...filled(lists.flat()).counts]);
      }),
      { numRuns: 300 },
    );
  });
});
