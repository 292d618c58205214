import { describe, expect, it } from 'vitest';
import { binomialUpperTail, conditionalTwoProportionP, criticalCount, logGamma, samplesToDetect, twoProportionZ } from '../../../src/slo/stats.js';

/** P(X >= k) by brute force with exact binomial coefficients (small n only). */
function bruteTail(k: number, n: number, p: number): number {
  let sum = 0;
  let coef = 1;
  for (let i = 0; i <= n; i++) {
    if (i > 0) coef = (coef * (n - i + 1)) / i;
    if (i >= k) sum += coef * p ** i * (1 - p) ** (n - i);
  }
  return sum;
}

describe('logGamma', () => {
  it.each([1, 2, 5, 10, 20, 100])('is ln((n-1)!) at %i', (n) => {
    let f = 0;
    for (let i = 2; i < n; i++) f += Math.log(i);
    expect(logGamma(n)).toBeCloseTo(f, 9);
  });
});

describe('binomialUpperTail', () => {
  const cases: Array<[number, number, number]> = [
    [0, 10, 0.3], [1, 10, 0.3], [3, 10, 0.3], [9, 10, 0.3], [10, 10, 0.3], [11, 10, 0.3],
    [1, 86, 0.005], [3, 86, 0.005], [7, 86, 0.005], [40, 86, 0.5], [50, 86, 0.5], [2, 50, 0.001], [5, 200, 0.072],
  ];
  it.each(cases)('P(X >= %i | n=%i, p=%f) matches brute force', (k, n, p) => {
    const exact = bruteTail(k, n, p);
    expect(Math.abs(binomialUpperTail(k, n, p) - exact)).toBeLessThan(1e-12 + exact * 1e-9);
  });

  it('handles the edges: p 0 or 1, k <= 0, k > n', () => {
    expect(binomialUpperTail(0, 5, 0)).toBe(1);
    expect(binomialUpperTail(1, 5, 0)).toBe(0);
    expect(binomialUpperTail(5, 5, 1)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.5)).toBe(0);
  });

  it('stays exact far in the tail and at large n', () => {
    // C(100,20) 0.001^20 0.999^80 = 4.948e-40, and the later terms add 0.4%.
    expect(binomialUpperTail(20, 100, 0.001)).toBeGreaterThan(4.9e-40);
    expect(binomialUpperTail(20, 100, 0.001)).toBeLessThan(5.0e-40);
    expect(binomialUpperTail(5, 1_000_000, 1e-6)).toBeCloseTo(0.00366, 5);
  });
});

describe('criticalCount and samplesToDetect (the fast rule planning)', () => {
  it('needs 3 errors of 86 and 4 of 100 at a 0.5% budget, 1% false alarm', () => {
    expect(criticalCount(86, 0.005, 0.01)).toBe(3);
    expect(binomialUpperTail(3, 86, 0.005)).toBeLessThanOrEqual(0.01);
    expect(binomialUpperTail(2, 86, 0.005)).toBeGreaterThan(0.01);
    expect(criticalCount(100, 0.005, 0.01)).toBe(4);
  });

  it('detects a 14.4× burn of a 0.5% budget in 86 requests with 95% power (ISTIO-FACTS)', () => {
    expect(samplesToDetect(0.005, 14.4 * 0.005, 0.01, 0.95)).toBe(86);
  });

  it('needs more requests for a tighter budget and fewer for the 1% latency budget', () => {
    expect(samplesToDetect(0.001, 0.0144, 0.01, 0.95)).toBe(436);
    expect(samplesToDetect(0.01, 0.144, 0.01, 0.95)).toBe(42);
  });
});

describe('canary vs stable error tests', () => {
  it('is 1 with no errors or no traffic on a side', () => {
    expect(conditionalTwoProportionP(0, 100, 0, 900)).toBe(1);
    expect(conditionalTwoProportionP(3, 100, 0, 0)).toBe(1);
  });

  it('is the chance that the canary drew that many of all errors by its share', () => {
    // 3 errors, all on the canary, which had 10% of requests: 0.1^3.
    expect(conditionalTwoProportionP(3, 100, 0, 900)).toBeCloseTo(0.001, 12);
    // Errors in proportion to traffic are not evidence.
    expect(conditionalTwoProportionP(1, 100, 9, 900)).toBeGreaterThan(0.5);
  });

  it('z is the textbook pooled statistic', () => {
    // 20/1000 vs 10/1000: pooled 0.015, se = sqrt(0.015*0.985*0.002) = 0.005436
    expect(twoProportionZ(20, 1000, 10, 1000)).toBeCloseTo(0.01 / Math.sqrt(0.015 * 0.985 * 0.002), 9);
    expect(twoProportionZ(0, 10, 0, 10)).toBe(0);
  });
});
