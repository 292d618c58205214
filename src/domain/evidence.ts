/**
 * The mesh policy's evidence as the run record keeps it: plain data, written by slo/evidence.ts
 * (which says what each test is) and carried from step to step, so its anytime-valid tests
 * cover the whole run, resumed processes included.
 */

/** The log of each mixture component's running likelihood ratio (slo/sequential.ts). */
export interface EProcess {
  readonly logs: readonly number[];
}

/** What one revision served over the whole run so far (`slow`: above the SLO's p99 bound). */
export interface Tally {
  readonly requests: number;
  readonly errors: number;
  readonly slow: number;
}

export interface Evidence {
  /** The run's false-abort rate α, split over TESTS. */
  readonly alpha: number;
  /** The SLO the burn tests test against: evidence against another budget is not carried over. */
  readonly budget: number;
  readonly p99Ms: number;
  /** Each test's e-process, by name (slo/evidence.ts TESTS and STABLE_TESTS). */
  readonly tests: Readonly<Record<string, EProcess>>;
  readonly canary: Tally;
  readonly stable: Tally;
  /** Failures no revision can be blamed for, and every outcome (the unattributed test's n). */
  readonly unattributed: number;
  readonly outcomes: number;
  /** Looks so far: ticks and windows folded in. */
  readonly ticks: number;
  readonly windows: number;
}

