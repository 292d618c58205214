import { verdict, type Verdict } from '../domain/verdict.js';
import { quantile } from './histogram.js';
import { burnFindings, comparisonFindings, fastSamples, type Finding } from './rules.js';
import { POLICY, errorBudget, type SloSpec } from './spec.js';
import { checkSplit } from './split.js';
import { combine, outcomes, unattributedFailures, type WindowStats } from './window.js';

export interface BakeState {
  readonly spec: SloSpec;
  readonly canaryPercent: number;
  readonly bakeMs: number;
  /** Every window so far, oldest first. */
  readonly windows: readonly WindowStats[];
  /** The load ended (its cap, or it failed): this decision is the last. */
  readonly ended: boolean;
}

export type Decision = { readonly done: false } | { readonly done: true; readonly verdict: Verdict };

const CONTINUE: Decision = { done: false };

/**
 * The judge of one weight step, asked after every window. In order:
 *  1. fail   the moment any rule fires on the windows so far (fast/slow burn of canary
 *            errors, canary latency and unattributed failures; canary vs stable), even
 *            before the split is verified: failures are failures.
 *  2. error  when responses carry no revision header, or the split never matched the
 *            weight within the settling windows (the gateway ignores the weights).
 *  3. inconclusive when the split could not be tested for lack of responses, when
 *            `thinStreak` counted windows in a row had too few canary responses (the canary
 *            or the load stalled), or when the bake ran out of time before its conclusive
 *            windows covered the bake time.
 *  4. pass   when the conclusive windows since the split was verified cover the bake time.
 * Thin windows (fewer canary responses than minSamples, pro rata) are never evidence for
 * a pass: they do not count toward the bake time, which is extended to make up for them
 * (by a quarter of the bake, or a few windows when that is longer: maxBakeMs); a bake that still falls short ends inconclusive, which aborts.
 */
export function decide(state: BakeState): Decision {
  const { spec, windows } = state;
  if (windows.length === 0) return state.ended ? done('inconclusive', ['no load window completed: the load did not run'], {}) : CONTINUE;
  const summary = summarize(state);
  const findings: Finding[] = [...burnFindings(windows, spec), ...comparisonFindings(windows, spec)];
  if (findings.length > 0) return done('fail', findings.map((f) => f.reason), Object.assign(summary, ...findings.map((f) => f.figures)));

  return afterRules(state, summary, absolutePass(spec));
}

/** What a judge does once its rules have not fired: verify the split, then count the bake. */
export function afterRules(state: BakeState, summary: Record<string, number>, covered: Covered): Decision {
  const { spec, windows } = state;
  const split = checkSplit(windows, state.canaryPercent, spec);
  if (split.kind === 'unlabelled') return done('error', [split.reason], { ...summary, ...split.figures });
  if (split.kind === 'pending') {
    if (windows.length < POLICY.settleWindows && !state.ended) return CONTINUE;
    if (split.mismatch) return done('error', [split.mismatch.reason], { ...summary, ...split.mismatch.figures });
    return done('inconclusive', [`split: too few responses in ${windows.length} window(s) to check that the gateway applies ${state.canaryPercent}% (${summary['canaryRequests']} canary and ${summary['stableRequests']} stable responses)`], summary);
  }
  return judgeCounted(state, windows.slice(split.from), { ...summary, ...split.figures, settleWindows: split.from }, covered);
}

/** The verdict once the conclusive windows cover the bake (a pass, unless the judge says otherwise). */
export type Covered = (all: Record<string, number>, conclusive: number, conclusiveMs: number) => Decision;

function absolutePass(spec: SloSpec): Covered {
  return (all, conclusive, conclusiveMs) =>
    done('pass', [`${conclusive} conclusive window(s) covering ${(conclusiveMs / 1000).toFixed(1)} s: canary ${all['canaryErrors']}/${all['canaryRequests']} failed (burn ${all['burn']}× a ${(100 * errorBudget(spec)).toFixed(2)}% budget), p99 ${all['canaryP99Ms']} ms (bound ${spec.p99Ms} ms, ${(all['stableP99Ms'] ?? -1) >= 0 ? `stable ${all['stableP99Ms']} ms` : 'no stable traffic'}); no rule fired`], all);
}

function judgeCounted(state: BakeState, counted: readonly WindowStats[], figures: Record<string, number>, covered: Covered): Decision {
  const { spec } = state;
  const thin = counted.map((w) => isThin(w, spec));
  const conclusiveMs = counted.reduce((sum, w, i) => (thin[i] ? sum : sum + (w.endMs - w.startMs)), 0);
  const elapsedMs = counted.length > 0 ? (counted[counted.length - 1] as WindowStats).endMs - (counted[0] as WindowStats).startMs : 0;
  const thinWindows = thin.filter(Boolean).length;
  const all: Record<string, number> = { ...figures, countedWindows: counted.length, thinWindows, conclusiveMs };
  const minimum = `${spec.minSamples} canary responses per ${spec.windowMs} ms window`;
  if (conclusiveMs >= state.bakeMs) return covered(all, counted.length - thinWindows, conclusiveMs);
  const streak = thin.slice(-POLICY.thinStreak);
  if (streak.length === POLICY.thinStreak && streak.every(Boolean)) {
    return done('inconclusive', [`thin windows: the last ${POLICY.thinStreak} windows each had fewer than ${minimum}: the canary or the load stalled`], all);
  }
  const extension = Math.max(POLICY.extension * state.bakeMs, POLICY.thinStreak * spec.windowMs);
  if (state.ended || elapsedMs >= state.bakeMs + extension) {
    return done('inconclusive', [`thin windows: only ${(conclusiveMs / 1000).toFixed(1)} s of the ${(state.bakeMs / 1000).toFixed(1)} s bake had at least ${minimum} (${thinWindows} thin of ${counted.length})`], all);
  }
  return CONTINUE;
}

/** Fewer canary responses than minSamples, pro rata for a window shorter or longer than the configured one. */
export function isThin(w: WindowStats, spec: SloSpec): boolean {
  return w.canary.requests < spec.minSamples * ((w.endMs - w.startMs) / spec.windowMs);
}

/** The whole bake's numbers, carried by every verdict. */
export function summarize(state: BakeState, whole: WindowStats = combine(state.windows)): Record<string, number> {
  const w = whole;
  const budget = errorBudget(state.spec);
  const rate = (k: number, n: number): number => (n > 0 ? Number((k / n).toFixed(6)) : 0);
  const p99 = (x: number): number => (Number.isFinite(x) ? Number(x.toFixed(3)) : -1);
  const labelled = w.canary.requests + w.stable.requests;
  return {
    canaryRequests: w.canary.requests,
    canaryErrors: w.canary.errors,
    canaryErrorRate: rate(w.canary.errors, w.canary.requests),
    canarySlow: w.canary.slow,
    stableRequests: w.stable.requests,
    stableErrors: w.stable.errors,
    stableErrorRate: rate(w.stable.errors, w.stable.requests),
    budget: Number(budget.toFixed(6)),
    burn: w.canary.requests > 0 ? Number((w.canary.errors / w.canary.requests / budget).toFixed(3)) : 0,
    canaryP99Ms: p99(quantile(w.canary.latency, 0.99)),
    stableP99Ms: p99(quantile(w.stable.latency, 0.99)),
    p99BoundMs: state.spec.p99Ms,
    expectedCanaryPct: state.canaryPercent,
    observedCanaryPct: labelled > 0 ? Number(((100 * w.canary.requests) / labelled).toFixed(2)) : 0,
    unattributedFailures: unattributedFailures(w),
    timeouts: w.timeouts,
    connectionErrors: w.connectionErrors,
    outcomes: outcomes(w),
    windows: state.windows.length,
    fastSamples: fastSamples(state.spec),
    elapsedMs: w.endMs - w.startMs,
  };
}

export function done(kind: Verdict['kind'], reasons: readonly string[], figures: Record<string, number>): Decision {
  return { done: true, verdict: verdict(kind, reasons, figures) };
}
