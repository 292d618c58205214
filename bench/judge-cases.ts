/**
 * The cases of `make bench-judges` (issue 15), as data: which streams each simulated run
 * draws. Shared by the bench's main thread (which names them) and its workers (which run
 * them), so a run is fully named by (case, index) and its seed.
 */
import { DEFAULT_SLO, errorBudget } from '../src/slo/spec.js';
import { lognormal, scaled, type Behaviour, type StepLoad } from './sim-stream.js';

export const RPS = 500;
export const BAKE_MS = 60_000;
export const STEPS = [10, 50, 100] as const;
/** One plausible service: median 4 ms, p99 15 ms, far below the SLO's 500 ms bound. */
export const LATENCY = { medianMs: 4, p99Ms: 15 } as const;
const BASE = lognormal(LATENCY.medianMs, LATENCY.p99Ms);
export const BUDGET = errorBudget(DEFAULT_SLO);

export interface FalseAbortCase {
  readonly name: string;
  /** Both revisions' error rate. */
  readonly rate: number;
  /** Healthy: under the budget, so any abort is a false one. Otherwise the application fails on both revisions alike. */
  readonly healthy: boolean;
}

export const FALSE_ABORT_CASES: readonly FalseAbortCase[] = [
  { name: '0.1% errors on both', rate: 0.001, healthy: true },
  { name: '0.3% errors on both', rate: 0.003, healthy: true },
  { name: '0.45% errors on both', rate: 0.0045, healthy: true },
  { name: 'app fails 1% on both', rate: 0.01, healthy: false },
];

function load(canaryPercent: number, stable: Behaviour, canary: Behaviour, onset?: StepLoad['onset']): StepLoad {
  return { rps: RPS, canaryPercent, windowMs: DEFAULT_SLO.windowMs, p99Ms: DEFAULT_SLO.p99Ms, stable, canary, onset };
}

/** Three steps, both revisions alike. */
export function falseAbortSteps(c: FalseAbortCase): StepLoad[] {
  const same: Behaviour = { errorRate: c.rate, latency: BASE };
  return STEPS.map((w) => load(w, same, same));
}

/** The stable's error rate in the detection cases, and when the canary's regression starts in the 10% step. */
export const DETECT_BASE_RATE = 0.001;
export const ONSET_MS = 5_000;
export const DETECT_WEIGHT = 10;

export interface DetectionCase {
  readonly name: string;
  /** The canary from the onset on. */
  readonly regressed: Behaviour;
}

const errorsTimes = (k: number): DetectionCase => ({ name: `errors ${k}× (${(100 * k * DETECT_BASE_RATE).toFixed(1)}%)`, regressed: { errorRate: k * DETECT_BASE_RATE, latency: BASE } });
const latencyTimes = (k: number): DetectionCase => ({ name: `latency ${k}× (p99 ${k * LATENCY.p99Ms} ms)`, regressed: { errorRate: DETECT_BASE_RATE, latency: scaled(BASE, k) } });

export const DETECTION_CASES: readonly DetectionCase[] = [errorsTimes(2), errorsTimes(5), errorsTimes(50), latencyTimes(1.5), latencyTimes(3)];

/** The 10% step only (the run's first: the evidence is fresh), healthy until ONSET_MS. */
export function detectionSteps(c: DetectionCase): StepLoad[] {
  const healthy: Behaviour = { errorRate: DETECT_BASE_RATE, latency: BASE };
  return [load(DETECT_WEIGHT, healthy, healthy, { atMs: ONSET_MS, canary: c.regressed })];
}

export type Section = 'false-aborts' | 'detection';

/** Each run's own seed: the figures do not depend on the order of runs or how many threads ran them. */
export function runSeed(section: Section, caseIndex: number, run: number): number {
  return (section === 'false-aborts' ? 1 : 2) * 1_000_000_000 + caseIndex * 10_000_000 + run;
}
