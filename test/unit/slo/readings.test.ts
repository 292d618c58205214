import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/slo/decide.js';
import { decideReadings, FAILURE_STREAK, P99_MIN_REQUESTS, type AskedQuery, type MetricName, type QueryOutcome, type Reading, type RevisionRole } from '../../../src/slo/readings.js';
import { DEFAULT_SLO, maxBakeMs } from '../../../src/slo/spec.js';

const URL = 'http://127.0.0.1:19090';
const T0 = 1_795_443_000_000;
type Numbers = Partial<Record<MetricName, number>>;

/** A reading `ageS` seconds into the step; a metric not given reads "no series"; `outcomes` replaces any. */
function reading(ageS: number, canary: Numbers, stable: Numbers = {}, outcomes: Partial<Record<`${RevisionRole}.${MetricName}`, QueryOutcome>> = {}): Reading {
  const queries: AskedQuery[] = (['canary', 'stable'] as const).flatMap((role) =>
    (['requests', 'successRate', 'p99'] as const).map((metric) => {
      const v = (role === 'canary' ? canary : stable)[metric];
      const outcome: QueryOutcome = outcomes[`${role}.${metric}`] ?? (v === undefined ? { kind: 'empty', why: 'no series matched' } : { kind: 'value', value: v });
      return { metric, role, namespace: `bookinfo-${role}`, promql: `${metric}{ns="bookinfo-${role}"}`, outcome };
    }),
  );
  return { startMs: T0, endMs: T0 + ageS * 1000, url: URL, queries };
}

const BAKE_MS = 10_000;
const judge = (readings: Reading[], ended = false): Decision => decideReadings({ spec: DEFAULT_SLO, canaryPercent: 10, bakeMs: BAKE_MS, readings, ended });
const verdictOf = (d: Decision) => (d.done ? d.verdict : undefined);
const healthy = { requests: 600, successRate: 0.999, p99: 4.8 };
const refused: QueryOutcome = { kind: 'failed', message: 'HTTP 400, bad_data: 1:8: parse error', permanent: true };
const down: QueryOutcome = { kind: 'failed', message: 'unreachable: fetch failed (ECONNREFUSED)', permanent: false };

describe('judging a step from Prometheus readings', () => {
  it('waits while the step is younger than the bake, even with good numbers', () => {
    expect(judge([reading(1, {}), reading(5, healthy)])).toEqual({ done: false });
  });

  it('passes once the step is a bake old with minSamples per window of canary requests, saying each number', () => {
    const v = verdictOf(judge([reading(10, healthy, { requests: 5400, successRate: 0.9995, p99: 4.6 })]));
    expect(v?.kind).toBe('pass');
    expect(v?.reasons[0]).toBe('600 canary requests in 10.0 s: success rate 99.90% (objective 99.50%), p99 4.8 ms (bound 500 ms); stable 5400 requests, 99.95%, p99 4.6 ms; no rule fired');
    expect(v?.figures).toMatchObject({ 'canary.requests': 600, 'canary.successRate': 0.999, 'canary.errors': 1, 'canary.p99Ms': 4.8, 'stable.requests': 5400, observedCanaryPct: 10, expectedCanaryPct: 10, readings: 1, failedReadings: 0 });
  });

  it('fails on the success rate as the load judge would: errors beyond the budget, beyond chance', () => {
    const v = verdictOf(judge([reading(3, { requests: 150, successRate: 0.7, p99: 4 })]));
    expect(v?.kind).toBe('fail');
    expect(v?.reasons[0]).toMatch(/^success-rate: 45 of 150 canary requests were not successful in the 3.0 s since the step began \(Prometheus at http:\/\/127.0.0.1:19090\) \(30.0%, burn 60.0× a 0.50% budget; p=/);
    expect(v?.figures).toMatchObject({ 'success-rate.bad': 45, 'success-rate.n': 150 });
  });

  it('does not fail one error in a few dozen requests (chance, not burn)', () => {
    expect(judge([reading(3, { requests: 40, successRate: 39 / 40, p99: 4 })])).toEqual({ done: false });
  });

  it(`fails on the p99 bound once the canary served ${P99_MIN_REQUESTS} requests, not before`, () => {
    expect(judge([reading(3, { requests: P99_MIN_REQUESTS - 1, successRate: 1, p99: 900 })])).toEqual({ done: false });
    const v = verdictOf(judge([reading(4, { requests: P99_MIN_REQUESTS, successRate: 1, p99: 900 })]));
    expect(v?.kind).toBe('fail');
    expect(v?.reasons[0]).toMatch(/^p99: the canary's p99 is 900 ms over 200 requests .* above the 500 ms bound$/);
  });

  it('is inconclusive at once when Prometheus refuses a query, naming the query, its PromQL and the URL', () => {
    const v = verdictOf(judge([reading(1, healthy, {}, { 'canary.p99': refused })]));
    expect(v?.kind).toBe('inconclusive');
    expect(v?.reasons).toEqual([`Prometheus at ${URL}: query p99 for the canary (namespace bookinfo-canary) refused: HTTP 400, bad_data: 1:8: parse error; query: p99{ns="bookinfo-canary"}`]);
  });

  it(`is inconclusive after ${FAILURE_STREAK} readings in a row with a failed query, not before, and never a pass`, () => {
    const failing = (s: number) => reading(s, {}, {}, { 'canary.requests': down, 'canary.successRate': down, 'canary.p99': down, 'stable.requests': down });
    expect(judge([failing(1), failing(2)])).toEqual({ done: false });
    const v = verdictOf(judge([failing(1), failing(2), failing(3)]));
    expect(v?.kind).toBe('inconclusive');
    expect(v?.reasons[0]).toBe(`Prometheus at ${URL}: query requests for the canary (namespace bookinfo-canary) failed in 3 reading(s) in a row: unreachable: fetch failed (ECONNREFUSED); query: requests{ns="bookinfo-canary"}`);
    expect(v?.figures['failedReadings']).toBe(3);
    // A store that comes back is judged again.
    expect(judge([failing(1), failing(2), reading(3, healthy)])).toEqual({ done: false });
  });

  it('is inconclusive when the bake runs out with no data, naming the query and the URL', () => {
    const deadline = maxBakeMs(DEFAULT_SLO, BAKE_MS) / 1000;
    expect(judge([reading(deadline - 1, {})])).toEqual({ done: false });
    const v = verdictOf(judge([reading(deadline, {})]));
    expect(v?.kind).toBe('inconclusive');
    expect(v?.reasons[0]).toBe(`Prometheus at ${URL}: query requests for the canary (namespace bookinfo-canary) gave no number in 18.0 s (no series matched): check the query, and that Prometheus scrapes the mesh's Istio metrics; query: requests{ns="bookinfo-canary"}`);
    expect(v?.figures['canary.requests']).toBe(-1);
  });

  it('is inconclusive, not a pass, when too little traffic reached the canary', () => {
    const v = verdictOf(judge([reading(12, { requests: 150, successRate: 1, p99: 4 })], true));
    expect(v?.kind).toBe('inconclusive');
    expect(v?.reasons[0]).toBe('only 150 canary requests in 12.0 s, fewer than the 200 a 10.0 s bake needs (20 per 1000 ms window): too little traffic reached the canary');
  });

  it('reads "no data" before any reading as inconclusive when the source ended', () => {
    expect(verdictOf(judge([], true))?.kind).toBe('inconclusive');
    expect(judge([])).toEqual({ done: false });
  });
});
