import { verdict, type Verdict } from '../domain/verdict.js';
import type { Decision } from './decide.js';
import { burnFinding, type Finding } from './rules.js';
import { POLICY, errorBudget, maxBakeMs, type SloSpec } from './spec.js';

/**
 * The judge of a weight step from a metrics store (Prometheus): it sees, every window, the
 * canary's and the stable's request count, success rate and p99 since the step began, as
 * the store computes them. It has no per-request outcomes, so fewer rules than `decide`:
 *  1. inconclusive at once when the store refused a query (wrong PromQL: asking again
 *     will not help), or after `FAILURE_STREAK` readings in a row with a failed query (the
 *     store is down or too slow): naming the query, its PromQL and the store's URL;
 *  2. fail when the canary's errors (requests × (1 − success rate)) exceed the budget beyond
 *     chance (the same exact binomial test as the load's burn rule), or its p99 exceeds the
 *     bound once it served `P99_MIN_REQUESTS`;
 *  3. pass when the step is `bakeMs` old and the canary served at least minSamples per
 *     window of it, with every canary query answered;
 *  4. inconclusive at the bake's deadline (settling, bake, extension, as the load judge)
 *     without that: no data, or too little, never a pass.
 */

export type RevisionRole = 'stable' | 'canary';
export type MetricName = 'requests' | 'successRate' | 'p99';

/** What one query gave: a number, nothing (no series, or NaN for want of requests), or a failure. */
export type QueryOutcome =
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'empty'; readonly why: string }
  | { readonly kind: 'failed'; readonly message: string; readonly permanent: boolean };

export interface AskedQuery {
  readonly metric: MetricName;
  readonly role: RevisionRole;
  readonly namespace: string;
  /** The PromQL as sent, placeholders filled in. */
  readonly promql: string;
  readonly outcome: QueryOutcome;
}

/** One look at the store: every query, asked at `endMs` over the time since `startMs` (the step's start). */
export interface Reading {
  readonly startMs: number;
  readonly endMs: number;
  /** The store's base URL, for messages. */
  readonly url: string;
  readonly queries: readonly AskedQuery[];
}

export interface ReadingsState {
  readonly spec: SloSpec;
  readonly canaryPercent: number;
  readonly bakeMs: number;
  /** Every reading of the step so far, oldest first. */
  readonly readings: readonly Reading[];
  /** The source stopped: this decision is the last. */
  readonly ended: boolean;
}

/** Failed readings in a row that make the step inconclusive (three windows: a restart of the store is not a verdict). */
export const FAILURE_STREAK = 3;
/** Canary requests before a p99 is compared with the bound (the 99th percentile of 200 is the 2nd largest). */
export const P99_MIN_REQUESTS = POLICY.compareMinStable;

const CONTINUE: Decision = { done: false };

export function decideReadings(state: ReadingsState): Decision {
  const last = state.readings[state.readings.length - 1];
  if (!last) return state.ended ? done('inconclusive', ['no reading of the metrics store was taken'], {}) : CONTINUE;
  const figures = { ...readingFigures(state.readings, state.spec), expectedCanaryPct: state.canaryPercent, observedCanaryPct: observedShare(last) };
  const refused = last.queries.find((q) => q.outcome.kind === 'failed' && q.outcome.permanent);
  if (refused) return done('inconclusive', [failureReason(refused, last.url, 'refused')], figures);
  const findings = readingFindings(last, state.spec);
  if (findings.length > 0) return done('fail', findings.map((f) => f.reason), Object.assign(figures, ...findings.map((f) => f.figures)));
  const streak = state.readings.slice(-FAILURE_STREAK);
  const failing = streak.map((r) => r.queries.find((q) => q.outcome.kind === 'failed'));
  if ((streak.length === FAILURE_STREAK || state.ended) && failing.every(Boolean)) {
    return done('inconclusive', [failureReason(failing[failing.length - 1] as AskedQuery, last.url, `failed in ${failing.length} reading(s) in a row`)], figures);
  }
  return judgeEvidence(state, last, figures);
}

function judgeEvidence(state: ReadingsState, last: Reading, figures: Record<string, number>): Decision {
  const { spec, bakeMs } = state;
  const ageMs = last.endMs - last.startMs;
  const canary = revision(last, 'canary');
  const needed = Math.ceil((spec.minSamples * bakeMs) / spec.windowMs);
  const complete = canary.requests !== undefined && canary.successRate !== undefined && canary.p99Ms !== undefined;
  if (ageMs >= bakeMs && complete && (canary.requests as number) >= needed) {
    return done('pass', [passReason(last, spec)], figures);
  }
  if (!state.ended && ageMs < maxBakeMs(spec, bakeMs)) return CONTINUE;
  const missing = last.queries.find((q) => q.role === 'canary' && q.outcome.kind !== 'value');
  const why = missing
    ? `Prometheus at ${last.url}: ${describe(missing)} gave no number in ${secs(ageMs)} (${outcomeText(missing.outcome)}): check the query, and that Prometheus scrapes the mesh's Istio metrics; query: ${missing.promql}`
    : `only ${round(canary.requests ?? 0)} canary requests in ${secs(ageMs)}, fewer than the ${needed} a ${secs(bakeMs)} bake needs (${spec.minSamples} per ${spec.windowMs} ms window): too little traffic reached the canary`;
  return done('inconclusive', [why], figures);
}

interface RevisionNumbers {
  readonly requests: number | undefined;
  readonly successRate: number | undefined;
  readonly p99Ms: number | undefined;
}

export function revision(r: Reading, role: RevisionRole): RevisionNumbers {
  const get = (metric: MetricName): number | undefined => {
    const q = r.queries.find((x) => x.role === role && x.metric === metric);
    return q?.outcome.kind === 'value' ? q.outcome.value : undefined;
  };
  return { requests: get('requests'), successRate: get('successRate'), p99Ms: get('p99') };
}

/** The success-rate burn test on counts derived from the store, and the p99 bound. */
export function readingFindings(r: Reading, spec: SloSpec): Finding[] {
  const c = revision(r, 'canary');
  const found: Finding[] = [];
  const span = `the ${secs(r.endMs - r.startMs)} since the step began (Prometheus at ${r.url})`;
  if (c.requests !== undefined && c.successRate !== undefined) {
    const n = Math.round(c.requests);
    const bad = Math.round(c.requests * (1 - c.successRate));
    const f = burnFinding({ rule: 'success-rate', what: 'canary requests were not successful', bad, n, budget: errorBudget(spec) }, spec, span);
    if (f) found.push(f);
  }
  if (c.p99Ms !== undefined && c.requests !== undefined && c.requests >= P99_MIN_REQUESTS && c.p99Ms > spec.p99Ms) {
    found.push({
      rule: 'p99',
      reason: `p99: the canary's p99 is ${round(c.p99Ms)} ms over ${round(c.requests)} requests in ${span}, above the ${spec.p99Ms} ms bound`,
      figures: { 'p99.ms': round(c.p99Ms), 'p99.requests': round(c.requests) },
    });
  }
  return found;
}

/** The canary's share of both revisions' requests, -1 without any (the weight is not checked here: the load source does that). */
function observedShare(r: Reading): number {
  const c = revision(r, 'canary').requests ?? 0;
  const s = revision(r, 'stable').requests ?? 0;
  return c + s > 0 ? Number(((100 * c) / (c + s)).toFixed(2)) : -1;
}

function passReason(r: Reading, spec: SloSpec): string {
  const c = revision(r, 'canary');
  const s = revision(r, 'stable');
  const stable = s.requests ? `stable ${round(s.requests)} requests, ${pct(s.successRate)}, p99 ${ms(s.p99Ms)}` : 'no stable traffic';
  return `${round(c.requests ?? 0)} canary requests in ${secs(r.endMs - r.startMs)}: success rate ${pct(c.successRate)} (objective ${(100 * spec.successRate).toFixed(2)}%), p99 ${ms(c.p99Ms)} (bound ${spec.p99Ms} ms); ${stable}; no rule fired`;
}

/** The latest reading's numbers (-1 where there was none: JSON has no undefined), and how many readings failed. */
export function readingFigures(readings: readonly Reading[], spec: SloSpec): Record<string, number> {
  const last = readings[readings.length - 1] as Reading;
  const figures: Record<string, number> = {};
  for (const role of ['canary', 'stable'] as const) {
    const n = revision(last, role);
    figures[`${role}.requests`] = n.requests === undefined ? -1 : round(n.requests);
    figures[`${role}.successRate`] = n.successRate === undefined ? -1 : Number(n.successRate.toFixed(6));
    figures[`${role}.errors`] = n.requests === undefined || n.successRate === undefined ? -1 : Math.round(n.requests * (1 - n.successRate));
    figures[`${role}.p99Ms`] = n.p99Ms === undefined || !Number.isFinite(n.p99Ms) ? -1 : round(n.p99Ms);
  }
  return {
    ...figures,
    successRateObjective: spec.successRate,
    p99BoundMs: spec.p99Ms,
    elapsedMs: last.endMs - last.startMs,
    readings: readings.length,
    failedReadings: readings.filter((r) => r.queries.some((q) => q.outcome.kind === 'failed')).length,
  };
}

function outcomeText(o: QueryOutcome): string {
  return o.kind === 'failed' ? o.message : o.kind === 'empty' ? o.why : `${o.value}`;
}

function describe(q: AskedQuery): string {
  return `query ${q.metric} for the ${q.role} (namespace ${q.namespace})`;
}

function failureReason(q: AskedQuery, url: string, how: string): string {
  return `Prometheus at ${url}: ${describe(q)} ${how}: ${outcomeText(q.outcome)}; query: ${q.promql}`;
}

const round = (x: number): number => Number(x.toFixed(3));
const secs = (msValue: number): string => `${(msValue / 1000).toFixed(1)} s`;
const pct = (x: number | undefined): string => (x === undefined ? 'no data' : `${(100 * x).toFixed(2)}%`);
const ms = (x: number | undefined): string => (x === undefined ? 'no data' : `${round(x)} ms`);

function done(kind: Verdict['kind'], reasons: readonly string[], figures: Record<string, number>): Decision {
  return { done: true, verdict: verdict(kind, reasons, figures) };
}
