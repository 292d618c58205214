import { countAbove, quantile, type Histogram } from './histogram.js';
import type { EProcess, Evidence, Tally } from '../domain/evidence.js';
import { advanceBurn, advanceCompare, advanceWithin, freshBurn, freshCompare, freshWithin, logEValue, rejects } from './sequential.js';
import { POLICY, errorBudget, type SloSpec } from './spec.js';
import type { WindowStats } from './window.js';

/**
 * The run's evidence for the mesh policy: one e-process per test, carried from step to step
 * (and across processes, in the run record), never reset. The run's false-abort rate α is
 * split over the abort tests (Bonferroni, ALPHA_SHARE), so the chance that a healthy run is
 * aborted by any of them, at any look of any step, is at most α, whatever the bakes' lengths.
 */
export const TESTS = ['errors-vs-stable', 'latency-vs-stable', 'canary-burn', 'canary-latency-burn', 'unattributed-burn'] as const;
/**
 * The stable's own tests never abort anything: they tell "both revisions break the SLO alike"
 * (the stable burns too: a held step) from "the canary breaks it and the stable does not"
 * (the stable is shown within the budget: a fail). Until one of them rejects, a canary that
 * burns the budget is neither.
 */
export const STABLE_TESTS = ['stable-burn', 'stable-latency-burn', 'stable-within', 'stable-latency-within'] as const;

/**
 * Each abort test's share of α. The comparisons with the stable are the policy's point and
 * have the least data (the canary's share of the traffic), so they take most of it; the
 * burn tests need a breach the stable does not share, and the unattributed test catches what
 * no revision can be blamed for. The stable's tests take the burn tests' level.
 */
export const ALPHA_SHARE: Readonly<Record<TestName, number>> = {
  'errors-vs-stable': 0.35,
  'latency-vs-stable': 0.35,
  'canary-burn': 0.1,
  'canary-latency-burn': 0.1,
  'unattributed-burn': 0.1,
  'stable-burn': 0.1,
  'stable-latency-burn': 0.1,
  'stable-within': 0.1,
  'stable-latency-within': 0.1,
};
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
      'stable-within': freshWithin(budget),
      'stable-latency-within': freshWithin(POLICY.latencyBudget),
    },
    canary: NONE,
    stable: NONE,
    unattributed: 0,
    outcomes: 0,
    ticks: 0,
    windows: 0,
  };
}

/**
 * The evidence a run goes on with: its recorded one, unless the SLO or α it was gathered under
 * changed. It is recorded at the end of each step, so a process killed mid-step loses that
 * step's ticks: the tests go on as if that data had never been seen, which keeps them valid
 * (only a user who killed runs *because* the evidence rose could bias it).
 */
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
      'stable-within': advanceWithin(proc(e, 'stable-within'), s.errors, s.requests, e.budget),
      'stable-latency-within': advanceWithin(proc(e, 'stable-latency-within'), s.slow, s.requests, POLICY.latencyBudget),
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

/** A test's level: its share of the run's α. */
export function testAlpha(e: Evidence, test: TestName): number {
  return e.alpha * ALPHA_SHARE[test];
}

export function rejected(e: Evidence, test: TestName): boolean {
  return rejects(proc(e, test), testAlpha(e, test));
}

/** A test's e-value and the threshold it must reach, rounded for reasons and reports. */
export function standing(e: Evidence, test: TestName): { readonly e: number; readonly threshold: number } {
  return { e: round(Math.exp(logEValue(proc(e, test)))), threshold: round(1 / testAlpha(e, test)) };
}

const round = (x: number): number => (x >= 100 ? Math.round(x) : Number(x.toPrecision(3)));

/** Has a canary test rejected? Only then can a look between windows end the step (the stable's tests alone never do). */
export function anyRejected(e: Evidence): boolean {
  return TESTS.some((t) => rejected(e, t));
}
