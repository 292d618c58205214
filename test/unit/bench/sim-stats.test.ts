import { describe, expect, it } from 'vitest';
import { median, percentile, tallyText, wilson } from '../../../bench/sim-stats.js';

describe('bench statistics', () => {
  it('gives the Wilson 95% interval (published values), never outside [0, 1] and not empty at 0 or n', () => {
    // Newcombe (1998), Statistics in Medicine 17, table I: 0/10 -> [0, 0.2775], 1/29 -> [0.0061, 0.1718], 81/263 -> [0.2553, 0.3662].
    const cases: Array<[number, number, number, number]> = [
      [0, 10, 0, 0.2775],
      [1, 29, 0.0061, 0.1718],
      [81, 263, 0.2553, 0.3662],
      [10, 10, 0.7225, 1],
    ];
    for (const [k, n, low, high] of cases) {
      const w = wilson(k, n);
      expect(w.low).toBeCloseTo(low, 4);
      expect(w.high).toBeCloseTo(high, 4);
    }
    // 0 aborts in 1000 runs still leaves up to 0.38%; 10 in 1000 reaches 1.83%.
    expect(wilson(0, 1000).high).toBeCloseTo(0.00383, 5);
    expect(wilson(10, 1000).high).toBeCloseTo(0.01832, 4);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('takes the median (mean of the middle two when even) and nearest-rank percentiles, with Infinity for runs not detected', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(median([1, Infinity, Infinity])).toBe(Infinity);
    const xs = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(xs, 0.9)).toBe(9);
    expect(percentile(xs, 0.5)).toBe(5);
    expect(percentile(xs, 1)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([0.3, Infinity, 0.1], 0.9)).toBe(Infinity);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('counts values most frequent first', () => {
    expect(tallyText(['pass', 'fail', 'pass', 'held', 'held', 'pass'])).toBe('pass 3, held 2, fail 1');
    expect(tallyText([])).toBe('');
  });
});
