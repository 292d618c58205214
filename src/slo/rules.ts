import { countAbove, quantile } from './histogram.js';
import { POLICY, errorBudget, type SloSpec } from './spec.js';
import { binomialUpperTail, conditionalTwoProportionP, samplesToDetect, twoProportionZ } from './stats.js';
import { combine, outcomes, unattributedFailures, type WindowStats } from './window.js';

/** A rule that fired: its name, one sentence with the numbers, and the numbers by name. */
export interface Finding {
  readonly rule: string;
  readonly reason: string;
  readonly figures: Record<string, number>;
}

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
const sci = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toPrecision(2));
const secs = (w: WindowStats): string => `${((w.endMs - w.startMs) / 1000).toFixed(1)} s`;

/** Canary requests the fast window must hold to see a `fastBurn` burn (86 at a 0.5% budget). */
export function fastSamples(spec: SloSpec): number {
  const budget = errorBudget(spec);
  return samplesToDetect(budget, Math.min(0.99, POLICY.fastBurn * budget), POLICY.alphaBurn, POLICY.fastPower);
}

/**
 * The trailing runs the fast rules look at: the last window alone (so a fault that starts
 * now is not diluted by the clean window before it), and the run back until it holds
 * `fastSamples` canary requests (at most `fastMaxWindows`), which has the planned power.
 */
export function fastWindows(windows: readonly WindowStats[], spec: SloSpec): WindowStats[] {
  const need = fastSamples(spec);
  let from = windows.length - 1;
  let seen = windows[from]?.canary.requests ?? 0;
  while (from > 0 && seen < need && windows.length - from < POLICY.fastMaxWindows) {
    from--;
    seen += (windows[from] as WindowStats).canary.requests;
  }
  const last = combine(windows.slice(-1));
  return from >= windows.length - 1 ? [last] : [last, combine(windows.slice(Math.max(0, from)))];
}

interface BurnCheck {
  readonly rule: string;
  readonly what: string;
  readonly bad: number;
  readonly n: number;
  readonly budget: number;
}

/**
 * One burn test: are `bad` of `n` more than the budget allows, beyond chance? Exact
 * binomial test of "bad rate <= budget" (burn 1) at POLICY.alphaBurn. Fewer than
 * minSamples requests are not judged: the first requests after a change are not typical.
 */
export function burnFinding(c: BurnCheck, spec: SloSpec, span: string): Finding | undefined {
  if (c.n < spec.minSamples || c.bad === 0) return undefined;
  const p = binomialUpperTail(c.bad, c.n, c.budget);
  if (p > POLICY.alphaBurn) return undefined;
  const rate = c.bad / c.n;
  const burn = rate / c.budget;
  return {
    rule: c.rule,
    reason: `${c.rule}: ${c.bad} of ${c.n} ${c.what} in ${span} (${pct(rate)}, burn ${burn.toFixed(1)}× a ${pct(c.budget)} budget; p=${sci(p)} <= ${POLICY.alphaBurn})`,
    figures: { [`${c.rule}.bad`]: c.bad, [`${c.rule}.n`]: c.n, [`${c.rule}.burn`]: Number(burn.toFixed(3)), [`${c.rule}.p`]: p },
  };
}

/** Fast and slow burn rules for canary errors, canary latency and unattributed failures. */
export function burnFindings(windows: readonly WindowStats[], spec: SloSpec): Finding[] {
  const budget = errorBudget(spec);
  const spans: Array<[string, WindowStats]> = [...fastWindows(windows, spec).map((w): [string, WindowStats] => ['fast', w]), ['slow', combine(windows)]];
  const found: Finding[] = [];
  const fired = new Set<string>();
  for (const [speed, w] of spans) {
    const span = speed === 'fast' ? `the last ${secs(w)}` : `the whole bake so far (${secs(w)})`;
    const checks: BurnCheck[] = [
      { rule: `${speed}-burn`, what: 'canary responses failed', bad: w.canary.errors, n: w.canary.requests, budget },
      { rule: `${speed}-latency`, what: `canary responses were slower than the p99 bound ${spec.p99Ms} ms`, bad: w.canary.slow, n: w.canary.requests, budget: POLICY.latencyBudget },
      { rule: `${speed}-unattributed`, what: 'requests failed with no revision to blame (timeouts, connection errors, unlabelled errors)', bad: unattributedFailures(w), n: outcomes(w), budget },
    ];
    for (const c of checks) {
      const f = fired.has(c.rule) ? undefined : burnFinding(c, spec, span);
      if (f) found.push(f);
      if (f) fired.add(c.rule);
    }
  }
  return found;
}

/** Canary clearly worse than stable on the same windows, even within the absolute budget. */
export function comparisonFindings(windows: readonly WindowStats[], spec: SloSpec): Finding[] {
  const w = combine(windows);
  const found: Finding[] = [];
  const errors = compareErrors(w, spec);
  if (errors) found.push(errors);
  const latency = compareLatency(w, spec);
  if (latency) found.push(latency);
  return found;
}

function compareErrors(w: WindowStats, spec: SloSpec): Finding | undefined {
  const { canary: c, stable: s } = w;
  if (c.requests < spec.minSamples || s.requests < spec.minSamples || c.errors === 0) return undefined;
  const excess = c.errors / c.requests - s.errors / s.requests;
  if (excess < POLICY.compareMinExcessOfBudget * errorBudget(spec)) return undefined;
  const p = conditionalTwoProportionP(c.errors, c.requests, s.errors, s.requests);
  if (p > POLICY.alphaCompare) return undefined;
  const z = twoProportionZ(c.errors, c.requests, s.errors, s.requests);
  return {
    rule: 'canary-vs-stable-errors',
    reason: `canary-vs-stable-errors: canary ${c.errors}/${c.requests} failed (${pct(c.errors / c.requests)}) vs stable ${s.errors}/${s.requests} (${pct(s.errors / s.requests)}) on the same windows; z=${z.toFixed(2)}, exact p=${sci(p)} <= ${POLICY.alphaCompare}`,
    figures: { 'compare.errors.z': Number(z.toFixed(3)), 'compare.errors.p': p, 'compare.errors.excess': excess },
  };
}

function compareLatency(w: WindowStats, spec: SloSpec): Finding | undefined {
  const { canary: c, stable: s } = w;
  if (c.requests < spec.minSamples || s.requests < POLICY.compareMinStable) return undefined;
  const stableP99 = quantile(s.latency, 0.99);
  const canaryP99 = quantile(c.latency, 0.99);
  const limit = Math.max(spec.p99Ratio * stableP99, stableP99 + POLICY.compareSlackMs);
  if (!(canaryP99 > limit)) return undefined;
  const above = countAbove(c.latency, limit);
  const p = binomialUpperTail(above, c.requests, POLICY.latencyBudget);
  if (p > POLICY.alphaCompare) return undefined;
  return {
    rule: 'canary-vs-stable-p99',
    reason: `canary-vs-stable-p99: canary p99 ${canaryP99.toFixed(1)} ms vs stable ${stableP99.toFixed(1)} ms (${(canaryP99 / stableP99).toFixed(2)}×, limit ${spec.p99Ratio}×): ${above} of ${c.requests} canary responses above ${limit.toFixed(1)} ms; p=${sci(p)} <= ${POLICY.alphaCompare}`,
    figures: { 'compare.p99.canaryMs': canaryP99, 'compare.p99.stableMs': stableP99, 'compare.p99.ratio': Number((canaryP99 / stableP99).toFixed(3)), 'compare.p99.p': p },
  };
}
