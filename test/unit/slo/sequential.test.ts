import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seeded } from '../../support/seeded.js';
import { COMPARE_RATIOS, advanceBurn, advanceCompare, advanceWithin, freshWithin, withinAlternatives, burnAlternatives, burnLogLR, compareLogLR, eValue, freshBurn, freshCompare, logEValue, rejects } from '../../../src/slo/sequential.js';

const binomial = (n: number, p: number, random: () => number): number => {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
};

describe('the compare likelihood ratio (canary vs stable, conditional on the events)', () => {
  it('has expectation exactly 1 for one event when both revisions have the same rate, whatever the share and alternative', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.constantFrom(...COMPARE_RATIOS), (q, theta) => {
        const expectation = q * Math.exp(compareLogLR(theta, 1, 0, q)) + (1 - q) * Math.exp(compareLogLR(theta, 0, 1, q));
        expect(expectation).toBeCloseTo(1, 10);
      }),
    );
  });

  it('has expectation at most 1 when the canary is better than the stable (a supermartingale)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.constantFrom(...COMPARE_RATIOS), (q, better, theta) => {
        const pCanary = (better * q) / (better * q + 1 - q);
        const expectation = pCanary * Math.exp(compareLogLR(theta, 1, 0, q)) + (1 - pCanary) * Math.exp(compareLogLR(theta, 0, 1, q));
        expect(expectation).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('does not move on a tick without events or without traffic on one side', () => {
    const e = freshCompare();
    expect(advanceCompare(e, 0, 50, 0, 450)).toBe(e);
    expect(advanceCompare(e, 3, 50, 0, 0)).toBe(e);
    expect(advanceCompare(e, 0, 0, 3, 450)).toBe(e);
  });

  it('rejects a gross failure at 10% weight within a handful of canary errors', () => {
    let e = freshCompare();
    let errors = 0;
    while (!rejects(e, 0.01 / 5)) {
      e = advanceCompare(e, 1, 5, 0, 45);
      errors++;
    }
    expect(errors).toBeLessThanOrEqual(5);
  });
});

describe('the burn likelihood ratio (one revision against the budget)', () => {
  it('has expectation at most 1 for a request whenever the true rate is at most the budget', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: 0.2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (budget, share) => {
        const p = share * budget;
        for (const alt of burnAlternatives(budget)) {
          const expectation = p * Math.exp(burnLogLR(alt, budget, 1, 1)) + (1 - p) * Math.exp(burnLogLR(alt, budget, 0, 1));
          expect(expectation).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('is mirrored by the within test: expectation at most 1 whenever the true rate is at least the budget', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: 0.2, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }), (budget, times) => {
        const p = Math.min(1, times * budget);
        for (const alt of withinAlternatives(budget)) {
          const expectation = p * Math.exp(burnLogLR(alt, budget, 1, 1)) + (1 - p) * Math.exp(burnLogLR(alt, budget, 0, 1));
          expect(expectation).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
    // A stable at a tenth of the budget is shown within it in a few seconds of its traffic.
    let e = freshWithin(0.005);
    let seconds = 0;
    while (!rejects(e, 0.001) && seconds < 60) {
      e = advanceWithin(e, 0.45, 450, 0.005);
      seconds++;
    }
    expect(seconds).toBeLessThanOrEqual(10);
  });

  it('tests multiples of the budget, then gross rates above them, all below 1', () => {
    expect(burnAlternatives(0.005).map((p) => Number(p.toFixed(6)))).toEqual([0.0075, 0.01, 0.015, 0.025, 0.05, 0.3, 0.6, 0.9]);
    expect(burnAlternatives(0.4).map((p) => Number(p.toFixed(6)))).toEqual([0.6, 0.8, 0.9]);
    expect(freshBurn(0.005).logs).toHaveLength(8);
  });
});

describe('the mixture', () => {
  it('starts at e-value 1 and is the mean of its components', () => {
    expect(eValue(freshCompare())).toBe(1);
    expect(eValue({ logs: [Math.log(4), 0] })).toBeCloseTo(2.5, 12);
    expect(logEValue({ logs: [2000, 2000] })).toBeCloseTo(2000, 9);
  });

  // Ville's inequality, checked by simulation: healthy runs looked at after every tick.
  it('keeps false alarms over 1,800 looks below α in A/A runs (seeded Monte Carlo: 400 runs at α = 5%)', () => {
    const random = seeded(15);
    const alpha = 0.05;
    let compareAlarms = 0;
    let burnAlarms = 0;
    for (let run = 0; run < 400; run++) {
      let compare = freshCompare();
      let burn = freshBurn(0.005);
      let c = false;
      let b = false;
      for (let tick = 0; tick < 1800; tick++) {
        const nC = binomial(50, 0.1, random);
        const kC = binomial(nC, 0.004, random);
        const kS = binomial(50 - nC, 0.004, random);
        compare = advanceCompare(compare, kC, nC, kS, 50 - nC);
        burn = advanceBurn(burn, kC, nC, 0.005);
        c ||= rejects(compare, alpha);
        b ||= rejects(burn, alpha);
      }
      if (c) compareAlarms++;
      if (b) burnAlarms++;
    }
    expect(compareAlarms / 400).toBeLessThan(alpha);
    expect(burnAlarms / 400).toBeLessThan(alpha);
  }, 60_000);

  it('detects a canary failing 5× the stable (0.5% vs 0.1%) within 60 s at 10% of 500 rps, at the expected counts', () => {
    let e = freshCompare();
    let seconds = 0;
    // Expected counts per second: 50 canary requests (0.25 errors), 450 stable (0.45 errors).
    while (!rejects(e, 0.01 / 5) && seconds < 600) {
      e = advanceCompare(e, 0.25, 50, 0.45, 450);
      seconds++;
    }
    expect(seconds).toBeLessThanOrEqual(60);
  });
});
