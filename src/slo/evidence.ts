import { countAbove, quantile, type Histogram } from './histogram.js';
import type { EProcess, Evidence, Tally } from '../domain/evidence.js';
import { advanceBurn, advanceCompare, freshBurn, freshCompare, logEValue, rejects } from './sequential.js';
import { POLICY, errorBudget, type SloSpec } from './spec.js';
import type { WindowStats } from './window.js';

/**
 * The run's evidence for the mesh policy: one e-process per test, carried from step to step
 * (and across processes, in the run record), never reset. The run's false-abort rate α is
 * split evenly over the tests (Bonferroni), so the chance that a healthy run is aborted by any
 * of them, at any look of any step, is at most α, whatever the bakes' lengths.
 */
export const TESTS = ['errors-vs-stable', 'latency-vs-stable', 'canary-burn', 'canary-latency-burn', 'unattributed-burn'] as const;
/**
 * The stable's own burn tests never abort anything: they only tell "both revisions break the
 * SLO alike" (a held step) from "the canary breaks it and the stable does not" (a fail).
 */
export const STABLE_TESTS = ['stable-burn', 'stable-latency-burn'] as const;
export type TestName = (typeof TESTS)[number] | (typeof STABLE_TESTS)[number];
export type { Evidence, Tally };

/**
 * Counts of a short slice of load (100 ms): all the error tests need, without a latency
 * histogram, so the judge can decide as responses arrive rather than when a window closes.
 */
export interface TickCounts {
  readonly endMs: number;
  readonly canary: Tally;
  readonly stable: Tally;
  readonly unattributed: number;
  readonly outcomes: number;
}

const NONE: Tally = { requests: 0, errors: 0, slow: 0 };

export function freshEvidence(spec: SloSpec, alpha: number): Evidence {
  const budget = errorBudget(spec);
  return {
    alpha,
    budget,
    p99Ms: spec.p99Ms,
    tests: {
      'errors-vs-stable': freshCompare(),
      'latency-vs-stable': freshCompare(),
      'canary-burn': freshBurn(budget),
      'canary-latency-burn': freshBurn(POLICY.latencyBudget),
      'unattributed-burn': freshBurn(budget),
      'stable-burn': freshBurn(budget),
      'stable-latency-burn': freshBurn(POLICY.latencyBudget),
    },
    canary: NONE,
    stable: NONE,
    unattributed: 0,
    outcomes: 0,
    ticks: 0,
    windows: 0,
  };
}

/** The evidence a run goes on with: its recorded one, unless the SLO or α it was gathered under changed. */
export function continuedEvidence(recorded: Evidence | undefined, spec: SloSpec, alpha: number): Evidence {
  const fresh = freshEvidence(spec, alpha);
  if (!recorded || recorded.alpha !== alpha || recorded.budget !== fresh.budget || recorded.p99Ms !== spec.p99Ms) return fresh;
  // A record written by a build with other tests or mixtures: its numbers mean something else.
  const same = (Object.keys(fresh.tests) as TestName[]).every((t) => recorded.tests[t]?.logs.length === proc(fresh, t).logs.length);
  return same ? recorded : fresh;
}

/** A test's e-process; every Evidence here holds each test (freshEvidence, and continuedEvidence checks a recorded one). */
function proc(e: Evidence, test: TestName): EProcess {
  return e.tests[test] as EProcess;
}

const add = (a: Tally, b: Tally): Tally => ({ requests: a.requests + b.requests, errors: a.errors + b.errors, slow: a.slow + b.slow });

/** Folds one tick into the error, burn and unattributed tests. */
export function observeTick(e: Evidence, t: TickCounts): Evidence {
  const { canary: c, stable: s } = t;
  return {
    ...e,
    tests: {
      ...e.tests,
      'errors-vs-stable': advanceCompare(proc(e, 'errors-vs-stable'), c.errors, c.requests, s.errors, s.requests),
      'canary-burn': advanceBurn(proc(e, 'canary-burn'), c.errors, c.requests, e.budget),
      'canary-latency-burn': advanceBurn(proc(e, 'canary-latency-burn'), c.slow, c.requests, POLICY.latencyBudget),
      'unattributed-burn': advanceBurn(proc(e, 'unattributed-burn'), t.unattributed, t.outcomes, e.budget),
      'stable-burn': advanceBurn(proc(e, 'stable-burn'), s.errors, s.requests, e.budget),
      'stable-latency-burn': advanceBurn(proc(e, 'stable-latency-burn'), s.slow, s.requests, POLICY.latencyBudget),
    },
    canary: add(e.canary, c),
    stable: add(e.stable, s),
    unattributed: e.unattributed + t.unattributed,
    outcomes: e.outcomes + t.outcomes,
    ticks: e.ticks + 1,
  };
}

/**
 * The latency yardstick for a window: the stable's p99 over the step's earlier windows (plus
 * the slack below which a difference is timer noise). It is fixed before the window is seen,
 * so counting both revisions' responses above it keeps the compare test exact.
 */
export function latencyThreshold(earlierStable: Histogram): number | undefined {
  if (earlierStable.total < POLICY.compareMinStable) return undefined;
  return quantile(earlierStable, 0.99) + POLICY.compareSlackMs;
}

/** Folds one window into the latency compare test (responses above `threshold`, per revision). */
export function observeWindow(e: Evidence, w: WindowStats, threshold: number | undefined): Evidence {
  const latency = threshold === undefined ? proc(e, 'latency-vs-stable') : advanceCompare(proc(e, 'latency-vs-stable'), countAbove(w.canary.latency, threshold), w.canary.requests, countAbove(w.stable.latency, threshold), w.stable.requests);
  return { ...e, tests: { ...e.tests, 'latency-vs-stable': latency }, windows: e.windows + 1 };
}

/** Each test's level: its share of the run's α (the stable's tests take the same level, though they never abort). */
export function testAlpha(e: Evidence): number {
  return e.alpha / TESTS.length;
}

export function rejected(e: Evidence, test: TestName): boolean {
  return rejects(proc(e, test), testAlpha(e));
}

/** A test's e-value and the threshold it must reach, rounded for reasons and reports. */
export function standing(e: Evidence, test: TestName): { readonly e: number; readonly threshold: number } {
  return { e: round(Math.exp(logEValue(proc(e, test)))), threshold: round(1 / testAlpha(e)) };
}

const round = (x: number): number => (x >= 100 ? Math.round(x) : Number(x.toPrecision(3)));

/** Has any test rejected (a look between windows that may end the step)? */
export function anyRejected(e: Evidence): boolean {
  return (Object.keys(e.tests) as TestName[]).some((t) => rejected(e, t));
}
