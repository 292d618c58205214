import { describe, expect, it } from 'vitest';
import type { BaselineRecord } from '../../../src/domain/run-record.js';
import { baselineStanding, baselineText, msText, percentText } from '../../../src/report/baseline.js';

const SLO = { successRate: 0.995, p99Ms: 500 };

function baseline(requests: number, errors: number, p99Ms: number, objective = SLO): BaselineRecord {
  return { requests, errors, successRate: (requests - errors) / requests, p99Ms, durationMs: 5000, measuredAt: '2026-11-23T12:00:00.000Z', objective };
}

describe('baselineStanding: the stable against the objective it was measured by', () => {
  it.each([
    ['no errors, fast', baseline(2480, 0, 12.3), 'within'],
    ['exactly the budget (5 in 1,000 at 99.5%) is within it', baseline(1000, 5, 12.3), 'within'],
    ['one error more than the budget', baseline(1000, 6, 12.3), 'out-of-budget'],
    ['p99 exactly at the bound is within it', baseline(2480, 0, 500), 'within'],
    ['p99 above the bound', baseline(2480, 0, 512.4), 'too-slow'],
    ['both', baseline(2480, 28, 612), 'out-of-budget-and-too-slow'],
  ] as const)('%s', (_what, b, standing) => {
    expect(baselineStanding(b)).toBe(standing);
  });

  it('judges by the SLO it is given over the recorded one', () => {
    expect(baselineStanding(baseline(1000, 3, 12), { successRate: 0.999, p99Ms: 500 })).toBe('out-of-budget');
    expect(baselineStanding(baseline(1000, 3, 12), { successRate: 0.99, p99Ms: 10 })).toBe('too-slow');
  });
});

describe('baselineText', () => {
  it.each([
    ['98.8% of 2,480 requests (objective 99.5%) with p99 12.3 ms (bound 500 ms): out of budget', baseline(2480, 28, 12.34)],
    ['100.0% of 2,480 requests (objective 99.5%) with p99 232 ms (bound 500 ms): within budget', baseline(2480, 0, 231.519)],
    ['99.97% of 12,000 requests (objective 99.95%) with p99 1,204 ms (bound 1,000 ms): slower than the bound', baseline(12_000, 3, 1204.4, { successRate: 0.9995, p99Ms: 1000 })],
    ['80.0% of 500 requests (objective 99.5%) with p99 900 ms (bound 500 ms): out of budget and slower than the bound', baseline(500, 100, 900)],
  ])('%s', (text, b) => {
    expect(baselineText(b)).toBe(text);
  });
});

describe('percentText: never shows a rate at an objective it misses', () => {
  it.each([
    [0.99449, 0.995, '99.4%'],
    [0.995, 0.995, '99.5%'],
    [0.99999, 0.995, '99.9%'],
    [1, 0.995, '100.0%'],
    [0.9994999, 0.9995, '99.94%'],
    [0.9, 0.9, '90.0%'],
  ])('%s against %s is %s', (rate, objective, text) => {
    expect(percentText(rate, objective)).toBe(text);
  });
});

describe('msText', () => {
  it.each([
    [0.42, '0.4 ms'],
    [12.34, '12.3 ms'],
    [99.96, '100 ms'],
    [231.5, '232 ms'],
    [1500, '1,500 ms'],
    [-1, 'unknown'],
  ])('%s ms is %s', (ms, text) => {
    expect(msText(ms)).toBe(text);
  });
});
