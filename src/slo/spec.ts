/**
 * The SLO a weight step is judged by (from canary.yaml / flags), and the fixed policy of
 * the judge: false-alarm levels and the shapes of its windows. The policy is constants,
 * not settings, because each one is derived below from a stated risk, and a user who
 * turns one knob without the others gets a judge whose risks nobody computed.
 */
export interface SloSpec {
  /** Success-rate objective as a fraction, e.g. 0.995; the error budget is 1 - this. */
  readonly successRate: number;
  /** p99 latency bound: at most 1% of the canary's responses may be slower. */
  readonly p99Ms: number;
  /** A window with fewer canary responses than this (pro rata for a short window) is thin. */
  readonly minSamples: number;
  readonly windowMs: number;
  /** The canary's p99 may be at most this many times the stable's on the same windows. */
  readonly p99Ratio: number;
  /** `mesh` (default): judge the new revision against the old (slo/mesh.ts); `absolute`: the canary against the budget (slo/decide.ts). */
  readonly policy?: SloPolicy | undefined;
  /** The mesh policy's false-abort rate over a whole run (α); default DEFAULT_FALSE_ABORT_RATE. */
  readonly falseAbortRate?: number | undefined;
}

export const SLO_POLICIES = ['mesh', 'absolute'] as const;
export type SloPolicy = (typeof SLO_POLICIES)[number];
export const DEFAULT_FALSE_ABORT_RATE = 0.01;

export const DEFAULT_SLO: SloSpec = { successRate: 0.995, p99Ms: 500, minSamples: 20, windowMs: 1000, p99Ratio: 1.5, policy: 'mesh', falseAbortRate: DEFAULT_FALSE_ABORT_RATE };

export const POLICY = {
  /**
   * Per-test false-alarm level of the burn tests, against "the canary burns its budget
   * exactly as fast as allowed" (burn 1). After each window the fast rule tests two spans
   * and the slow rule one. For a healthy canary (0.1% errors under a 0.5% budget, 50 to 100
   * canary requests per span) each test's risk is 2e-5 or less: see test/unit/slo.
   */
  alphaBurn: 0.01,
  /**
   * The fast rule's window is the shortest trailing run of windows that detects this burn
   * (the SRE workbook's page threshold: 2% of a 30-day budget in an hour) with `fastPower`.
   * At a 0.5% budget that is 86 canary requests: ~1.7 s at 10% of 500 rps.
   */
  fastBurn: 14.4,
  fastPower: 0.95,
  /** The fast window never reaches further back than this many windows (the slow rule covers the rest). */
  fastMaxWindows: 5,
  /** Latency is an SLI like errors: "slower than the p99 bound" has a budget of 1%. */
  latencyBudget: 0.01,
  /**
   * Canary vs stable: exact one-sided tests at 0.1% per look; the cumulative comparison
   * is re-run after every window, so its level is ten times stricter than the burn tests.
   */
  alphaCompare: 0.001,
  /** Error-rate excess below a tenth of the budget is not worth a rollback, however significant. */
  compareMinExcessOfBudget: 0.1,
  /** Stable responses needed before its p99 is a usable yardstick (the 99th percentile of 200 is the 2nd largest). */
  compareMinStable: 200,
  /** Below this absolute difference a p99 ratio is timer and scheduler noise, not a regression. */
  compareSlackMs: 2,
  /** Observed split: |canary - expected| within 4 standard deviations (two-sided 6e-5) plus one request. */
  splitZ: 4,
  /** Expected responses per side before a split is testable (the binomial's usual rule of thumb is 5; 10 is safer). */
  splitMinExpected: 10,
  /** More than this share of responses without a stable/canary header: attribution is broken. */
  unlabelledMaxShare: 0.05,
  /** Windows the route may take to show the asked split after a weight change (proxy config propagation). */
  settleWindows: 5,
  /** Consecutive thin counted windows that stop the bake as inconclusive (the canary or the load stalled). */
  thinStreak: 3,
  /** Thin windows extend the bake by at most this share of it before it ends inconclusive. */
  extension: 0.25,
} as const;

export function errorBudget(spec: SloSpec): number {
  return 1 - spec.successRate;
}

/** The longest a bake can run: settling, the bake, and the extension for thin windows. */
export function maxBakeMs(spec: SloSpec, bakeMs: number): number {
  const extension = Math.max(POLICY.extension * bakeMs, POLICY.thinStreak * spec.windowMs);
  return POLICY.settleWindows * spec.windowMs + bakeMs + extension;
}
