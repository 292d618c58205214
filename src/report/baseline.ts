import type { BaselineRecord } from '../domain/run-record.js';
import type { SloSpec } from '../slo/spec.js';

/**
 * The stable revision's own figures before the run (issue 15), in words: preflight's
 * `stable-slo` line, `canary status`, the reports, and the verdict lines name them the same
 * way, so a reader sees everywhere that the stable itself was (or was not) out of budget.
 */
export type BaselineObjective = Pick<SloSpec, 'successRate' | 'p99Ms'>;

export type BaselineStanding = 'within' | 'out-of-budget' | 'too-slow' | 'out-of-budget-and-too-slow';

/** Where the stable stood against the objective: its errors against the budget, its p99 against the bound. */
export function baselineStanding(baseline: BaselineRecord, slo: BaselineObjective = baseline.objective): BaselineStanding {
  // On counts, not the rounded rate: 5 errors in 1,000 are exactly a 0.5% budget, which is within it.
  const outOfBudget = baseline.errors > (1 - slo.successRate) * baseline.requests + 1e-9;
  const tooSlow = baseline.p99Ms > slo.p99Ms;
  if (outOfBudget && tooSlow) return 'out-of-budget-and-too-slow';
  if (outOfBudget) return 'out-of-budget';
  return tooSlow ? 'too-slow' : 'within';
}

const STANDING: Readonly<Record<BaselineStanding, string>> = {
  within: 'within budget',
  'out-of-budget': 'out of budget',
  'too-slow': 'slower than the bound',
  'out-of-budget-and-too-slow': 'out of budget and slower than the bound',
};

export function standingText(standing: BaselineStanding): string {
  return STANDING[standing];
}

/** `98.9% of 2,480 requests (objective 99.5%) with p99 12.3 ms (bound 500 ms)`. */
export function baselineFigures(baseline: BaselineRecord, slo: BaselineObjective = baseline.objective): string {
  const rate = percentText(baseline.successRate, slo.successRate);
  return `${rate} of ${count(baseline.requests)} requests (objective ${percentText(slo.successRate, slo.successRate)}) with p99 ${msText(baseline.p99Ms)} (bound ${msText(slo.p99Ms)})`;
}

/**
 * `98.9% of 2,480 requests (objective 99.5%) with p99 12.3 ms (bound 500 ms): out of budget`.
 * The SLO defaults to the one the baseline was measured against (kept in the record).
 */
export function baselineText(baseline: BaselineRecord, slo: BaselineObjective = baseline.objective): string {
  return `${baselineFigures(baseline, slo)}: ${standingText(baselineStanding(baseline, slo))}`;
}

/** What status and the reports print after `stable before the run: `; undefined when the record has no baseline. */
export function stableBeforeRun(record: { readonly baseline?: BaselineRecord | undefined }): string | undefined {
  const b = record.baseline;
  return b ? `${baselineText(b)} (${Number((b.durationMs / 1000).toFixed(1))} s at ${b.measuredAt})` : undefined;
}

/**
 * A success rate in percent with as many decimals as the objective has (at least one),
 * rounded down: a rate is never shown at or above an objective it misses, nor 100% with errors.
 */
export function percentText(rate: number, objective: number): string {
  const decimals = Math.max(1, decimalsOf(objective * 100));
  const scale = 10 ** decimals;
  return `${(Math.floor(rate * 100 * scale + 1e-6) / scale).toFixed(decimals)}%`;
}

function decimalsOf(x: number): number {
  const text = String(Number(x.toFixed(8)));
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** `12.3 ms` below 100 ms, `1,204 ms` above; `unknown` for the -1 of a revision that served nothing. */
export function msText(ms: number): string {
  if (!(ms >= 0)) return 'unknown';
  return ms < 100 ? `${Number(ms.toFixed(1))} ms` : `${count(Math.round(ms))} ms`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
