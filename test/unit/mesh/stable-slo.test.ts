import { describe, expect, it } from 'vitest';
import { minimumRequests, recordedStableSlo, stableSloCheck, stableSloSkipped, type StableMeasurement } from '../../../src/mesh/preflight/stable-slo.js';
import { record } from '../../../src/slo/histogram.js';
import { emptyWindow, type WindowStats } from '../../../src/slo/window.js';

const SLO = { successRate: 0.995, p99Ms: 500 };
const URL = 'http://127.0.10.1:18080';
const AT = '2026-11-23T12:00:00.000Z';

interface Shape {
  stable?: number;
  errors?: number;
  /** Latency of every stable response, or of the slowest 2% when `slow` is given. */
  latencyMs?: number;
  slowMs?: number;
  canary?: number;
  unlabelled?: number;
  timeouts?: number;
  connectionErrors?: number;
}

/** `seconds` one-second windows sharing the figures of `shape` evenly. */
function measured(seconds: number, shape: Shape, failure?: string): StableMeasurement {
  const windows: WindowStats[] = Array.from({ length: seconds }, (_, i) => emptyWindow(i * 1000, (i + 1) * 1000));
  const at = (i: number): WindowStats => windows[i % seconds] as WindowStats;
  const stable = shape.stable ?? 0;
  for (let i = 0; i < stable; i++) {
    const w = at(i);
    w.stable.requests++;
    if (i < (shape.errors ?? 0)) w.stable.errors++;
    record(w.stable.latency, shape.slowMs !== undefined && i % 50 === 0 ? shape.slowMs : (shape.latencyMs ?? 12));
  }
  for (let i = 0; i < (shape.canary ?? 0); i++) at(i).canary.requests++;
  for (let i = 0; i < (shape.unlabelled ?? 0); i++) at(i).unlabelled++;
  for (let i = 0; i < (shape.timeouts ?? 0); i++) at(i).timeouts++;
  for (let i = 0; i < (shape.connectionErrors ?? 0); i++) at(i).connectionErrors++;
  return { windows, failure, url: URL };
}

const check = (m: StableMeasurement, slo = SLO) => stableSloCheck({ measurement: m, slo, stable: '1-29-6', measuredAt: AT });

describe('stableSloCheck: the stable under load before anything changes', () => {
  it.each([
    ['healthy: pass, with its figures', measured(5, { stable: 2480 }), 'pass', /^the stable revision 1-29-6 answers 100\.0% of 2,480 requests \(objective 99\.5%\) with p99 12\.1 ms \(bound 500 ms\) in 5 s: within budget$/],
    ['errors exactly at the budget: pass', measured(5, { stable: 2000, errors: 10 }), 'pass', /99\.5% of 2,000 requests.*within budget/],
    ['out of budget: warn, never fail', measured(5, { stable: 2480, errors: 28 }), 'warn', /^the stable revision 1-29-6 answers 98\.8% of 2,480 requests \(objective 99\.5%\) with p99 12\.1 ms \(bound 500 ms\) in 5 s: it is already out of budget; the canary is judged against it$/],
    ['slower than the bound: warn', measured(5, { stable: 2480, slowMs: 800 }), 'warn', /with p99 80\d ms \(bound 500 ms\) in 5 s: it is already slower than the bound; the canary/],
    ['both: warn naming both', measured(5, { stable: 2480, errors: 100, slowMs: 800 }), 'warn', /it is already out of budget and slower than the bound/],
    ['timeouts and refused connections count against it', measured(5, { stable: 2400, timeouts: 10, connectionErrors: 10 }), 'warn', /99\.1% of 2,420 requests.*out of budget/],
    ['no response at all: warn naming what was lost', measured(1, { connectionErrors: 40, timeouts: 2 }, 'connect ECONNREFUSED'), 'warn', /^the stable revision 1-29-6 gave no response at http:\/\/127\.0\.10\.1:18080 in 1 s \(42 request\(s\) lost: 40 connection error\(s\), 2 timeout\(s\)\) \(the load stopped: connect ECONNREFUSED\): its success rate and p99 are not known$/],
    ['no request completed at all', measured(0, {}, 'no URL to send load to'), 'warn', /gave no response .* in 0 s \(no request completed\) \(the load stopped: no URL to send load to\)/],
    ['responses of another revision: warn, figures unknown', measured(5, { stable: 900, canary: 100 }), 'warn', /^100 of 1000 responses at .* named another revision than the stable 1-29-6 \(100 the canary's\): the route does not send all its traffic/],
    ['responses naming neither revision: warn', measured(5, { stable: 900, unlabelled: 60 }), 'warn', /60 of 960 responses .* \(0 the canary's\)/],
    ['a few strays within 5% are tolerated', measured(5, { stable: 2000, unlabelled: 20 }), 'pass', /100\.0% of 2,000 requests/],
    ['too few to judge a 0.5% budget: warn', measured(1, { stable: 150 }), 'warn', /^the stable revision 1-29-6 answered only 150 request\(s\) in 1 s: at least 200 are needed to judge a 0\.5% budget and a p99, so its figures are not known$/],
    ['too few, and the load stopped early', measured(1, { stable: 40 }, 'the load generator stopped before the judge did'), 'warn', /only 40 request\(s\) in 1 s \(the load stopped: the load generator stopped/],
  ])('%s', (_what, m, status, message) => {
    const { result } = check(m);
    expect(result).toMatchObject({ id: 'stable-slo', group: 'baseline', status });
    expect(result.message).toMatch(message);
    if (status === 'warn') expect(result.fix).toBeTruthy();
  });

  it('keeps the figures it judged, against the objective, as the run record\'s baseline', () => {
    expect(check(measured(5, { stable: 2480, errors: 28 })).baseline).toEqual({
      requests: 2480,
      errors: 28,
      successRate: 2452 / 2480,
      p99Ms: expect.closeTo(12.1, 1),
      durationMs: 5000,
      measuredAt: AT,
      objective: { successRate: 0.995, p99Ms: 500 },
    });
  });

  it('keeps no baseline when it could not judge', () => {
    for (const m of [measured(1, { stable: 150 }), measured(5, { stable: 900, canary: 100 }), measured(1, { timeouts: 3 })]) expect(check(m).baseline).toBeUndefined();
  });

  it('says what to do for each warning', () => {
    expect(check(measured(5, { stable: 2480, errors: 28 })).result.fix).toMatch(/find why first/);
    expect(check(measured(5, { stable: 2480, slowMs: 800 })).result.fix).toMatch(/raise --slo-p99/);
    expect(check(measured(1, { stable: 150 })).result.fix).toMatch(/--stable-probe a longer duration/);
    expect(check(measured(1, { connectionErrors: 4 })).result.fix).toMatch(/--gateway-url/);
  });

  it.each([
    [0.995, 200],
    [0.999, 1000],
    [0.99, 100],
    [0.9, 100],
  ])('needs enough requests that one error is not the whole budget (%s: %s)', (successRate, needed) => {
    expect(minimumRequests({ successRate, p99Ms: 500 })).toBe(needed);
  });

  it('judges a tighter objective on the same figures', () => {
    expect(check(measured(5, { stable: 2480, errors: 3 }), { successRate: 0.999, p99Ms: 500 }).result.status).toBe('warn');
    expect(check(measured(5, { stable: 2480, errors: 3 })).result.status).toBe('pass');
  });
});

describe('the stable-slo line when the probe does not run', () => {
  it('says it was skipped, and why', () => {
    expect(stableSloSkipped('--stable-probe is 0')).toEqual({ id: 'stable-slo', group: 'baseline', status: 'pass', message: 'the stable revision was not measured under load: --stable-probe is 0' });
  });

  it('shows a resumed run the figures recorded when it started', () => {
    const baseline = { requests: 2480, errors: 28, successRate: 2452 / 2480, p99Ms: 12.3, durationMs: 5000, measuredAt: AT, objective: SLO };
    const result = recordedStableSlo({ baseline, revisions: { stable: '1-29-6', canary: '1-30-3' } });
    expect(result).toMatchObject({ status: 'warn', message: `the stable revision 1-29-6 answers 98.8% of 2,480 requests (objective 99.5%) with p99 12.3 ms (bound 500 ms) when the run started (${AT}): it is already out of budget; the canary is judged against it` });
    expect(recordedStableSlo({ baseline: undefined, revisions: { stable: '1-29-6', canary: '1-30-3' } })).toMatchObject({ status: 'pass', message: expect.stringMatching(/not measured under load: this run resumes one that has no baseline/) });
  });
});
