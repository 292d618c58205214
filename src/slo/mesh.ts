import { afterRules, done, summarize, type BakeState, type Decision } from './decide.js';
import { rejected, standing, type Evidence, type Tally, type TestName } from './evidence.js';
import { quantile } from './histogram.js';
import { POLICY } from './spec.js';
import { combine, type WindowStats } from './window.js';

/**
 * The mesh policy's judge of a weight step: "is the new revision worse than the old one?"
 * rather than "does the application meet its SLO?". Asked after every tick (100 ms of
 * counts) and every window, on the run's evidence (`evidence.ts`, anytime-valid):
 *  1. fail  when the canary is worse than the stable beyond chance: more errors, or more
 *           responses above the stable's p99 (each only when the difference also matters:
 *           a tenth of the budget, or a p99 beyond `p99Ratio` × the stable's);
 *  2. fail  when the canary burns the error budget (or the p99 bound's 1%) beyond chance
 *           while the stable is shown within it, or failures no revision can be blamed for do;
 *  3. held  when the canary burns it *and so does the stable*: the application fails on
 *           both revisions alike. A canary that burns it while the stable is shown neither
 *           within nor beyond it waits for that evidence, and is held if the bake ends first;
 *           so is a bake that ends with the canary's rate over the budget and the stable's
 *           burn test rejected. The run pauses at its weight; the user decides. A run whose
 *           user went on after a held step (`heldAccepted`) is not held again for it;
 *  4. then the split, thin windows and bake time exactly as the absolute judge (`decide`).
 * Every rule's reason names canary and stable side by side, with the test's e-value and the
 * value at which it rejects.
 */
export interface MeshState extends BakeState {
  /** The run's evidence now (every tick and window so far folded in). */
  readonly evidence: Evidence;
  /** The evidence when this step began: the step's own counts are the difference. */
  readonly begun: Evidence;
  readonly heldAccepted: boolean;
}

export function decideMesh(state: MeshState): Decision {
  const { evidence: e } = state;
  // The step's windows as one, merged once for every rule and sentence below.
  const whole = state.windows.length > 0 ? combine(state.windows) : undefined;
  const step: StepTallies = { canary: minus(e.canary, state.begun.canary), stable: minus(e.stable, state.begun.stable), whole };
  const summary = whole ? summarize(state, whole) : {};
  const figures = { ...summary, ...meshFigures(state) };
  const fails = [...compareFindings(state, step), ...burnFindings(state)];
  if (fails.length > 0) return done('fail', fails, figures);
  const held = heldFindings(state);
  if (held.length > 0) return done('held', held, figures);
  if (state.windows.length === 0) return state.ended ? done('inconclusive', ['no load window completed: the load did not run'], figures) : { done: false };
  return afterRules(state, figures, (all, conclusive, conclusiveMs) => {
    const undecided = state.heldAccepted ? [] : undecidedFindings(state);
    if (undecided.length > 0) return done('held', undecided, all);
    // The stable's own burn test, not its point estimate: a stable near the budget is not "out" by chance.
    const both = !state.heldAccepted && over(step.canary, e.budget) && rejected(e, 'stable-burn');
    if (both) return done('held', [alike('errors', step.canary, step.stable, state)], all);
    const tests = (['errors-vs-stable', 'latency-vs-stable', 'canary-burn'] as const).map((t) => test(e, t)).join(', ');
    return done('pass', [`${conclusive} conclusive window(s) covering ${(conclusiveMs / 1000).toFixed(1)} s; ${sideBySide(state, step)}; no test rejected: ${tests}`], all);
  });
}

type StepTallies = { readonly canary: Tally; readonly stable: Tally; readonly whole: WindowStats | undefined };

function compareFindings(state: MeshState, step: StepTallies): string[] {
  const { evidence: e, spec } = state;
  const found: string[] = [];
  const excess = rate(step.canary.errors, step.canary.requests) - rate(step.stable.errors, step.stable.requests);
  if (rejected(e, 'errors-vs-stable') && excess >= POLICY.compareMinExcessOfBudget * e.budget) {
    found.push(`canary-vs-stable-errors: the canary fails more than the stable beyond chance: ${sideBySide(state, step)}; ${test(e, 'errors-vs-stable')}`);
  }
  const w = step.whole;
  if (rejected(e, 'latency-vs-stable') && w) {
    const c = quantile(w.canary.latency, 0.99);
    const s = quantile(w.stable.latency, 0.99);
    if (c > Math.max(spec.p99Ratio * s, s + POLICY.compareSlackMs)) {
      found.push(`canary-vs-stable-p99: the canary is slower than the stable beyond chance: p99 canary ${ms(c)} vs stable ${ms(s)} (${(c / s).toFixed(2)}×, limit ${spec.p99Ratio}×); ${test(e, 'latency-vs-stable')}`);
    }
  }
  return found;
}

function burnFindings(state: MeshState): string[] {
  const { evidence: e } = state;
  const found: string[] = [];
  if (rejected(e, 'canary-burn') && rejected(e, 'stable-within') && !rejected(e, 'stable-burn')) {
    found.push(`canary-burn: the canary burns the ${pct(e.budget)} error budget and the stable is within it: canary ${tally(e.canary, 'errors')} vs stable ${tally(e.stable, 'errors')} over the run; ${test(e, 'canary-burn')}, ${test(e, 'stable-within')}`);
  }
  if (rejected(e, 'canary-latency-burn') && rejected(e, 'stable-latency-within') && !rejected(e, 'stable-latency-burn')) {
    found.push(`canary-latency-burn: more than 1% of canary responses are slower than the ${e.p99Ms} ms bound and the stable's are within it: canary ${tally(e.canary, 'slow')} vs stable ${tally(e.stable, 'slow')} over the run; ${test(e, 'canary-latency-burn')}, ${test(e, 'stable-latency-within')}`);
  }
  if (rejected(e, 'unattributed-burn')) {
    found.push(`unattributed: ${e.unattributed} of ${e.outcomes} requests over the run failed with no revision to blame (timeouts, connection errors, unlabelled errors), beyond the ${pct(e.budget)} budget; ${test(e, 'unattributed-burn')}`);
  }
  return found;
}

function heldFindings(state: MeshState): string[] {
  const { evidence: e } = state;
  if (state.heldAccepted) return [];
  const found: string[] = [];
  if (rejected(e, 'canary-burn') && rejected(e, 'stable-burn')) found.push(alike('errors', e.canary, e.stable, state));
  if (rejected(e, 'canary-latency-burn') && rejected(e, 'stable-latency-burn')) found.push(alike('slow', e.canary, e.stable, state));
  return found;
}

/** The canary burns the budget and the stable is shown neither within nor beyond it: what a bake that ends now says. */
function undecidedFindings(state: MeshState): string[] {
  const { evidence: e } = state;
  const found: string[] = [];
  const undecided = (burn: TestName, within: TestName, beyond: TestName): boolean => rejected(e, burn) && !rejected(e, within) && !rejected(e, beyond);
  if (undecided('canary-burn', 'stable-within', 'stable-burn')) {
    found.push(`the canary burns the ${pct(e.budget)} error budget (${tally(e.canary, 'errors')} over the run; ${test(e, 'canary-burn')}), and the stable's ${tally(e.stable, 'errors')} cannot be told from the budget yet (${test(e, 'stable-within')}, ${test(e, 'stable-burn')}); the canary is not worse than the stable (${test(e, 'errors-vs-stable')}): \`canary step\` goes on, \`canary abort\` reverts`);
  }
  if (undecided('canary-latency-burn', 'stable-latency-within', 'stable-latency-burn')) {
    found.push(`more than 1% of canary responses are slower than the ${e.p99Ms} ms bound (${tally(e.canary, 'slow')}; ${test(e, 'canary-latency-burn')}), and the stable's ${tally(e.stable, 'slow')} cannot be told from that yet; the canary is not slower than the stable (${test(e, 'latency-vs-stable')}): \`canary step\` goes on, \`canary abort\` reverts`);
  }
  return found;
}

function alike(what: 'errors' | 'slow', canary: Tally, stable: Tally, state: MeshState): string {
  const { evidence: e } = state;
  const budget = what === 'errors' ? `the budget is ${pct(e.budget)}` : `at most 1% may be slower than ${e.p99Ms} ms`;
  const verb = what === 'errors' ? 'fails' : 'answers slower than the bound';
  return `both revisions break the SLO alike: the application ${verb} ${pct(rate(canary[what], canary.requests))} on the canary (${canary[what]}/${canary.requests}) and ${pct(rate(stable[what], stable.requests))} on the stable (${stable[what]}/${stable.requests}); ${budget}; the canary is not worse than the stable (${test(e, what === 'errors' ? 'errors-vs-stable' : 'latency-vs-stable')}): \`canary step\` goes on, \`canary abort\` reverts`;
}

/** Canary and stable side by side: this step's rates, the whole bake's p99s, the budget and bound. */
function sideBySide(state: MeshState, step: StepTallies): string {
  const w = step.whole;
  const p99 = (h: 'canary' | 'stable'): string => (w && w[h].latency.total > 0 ? `, p99 ${ms(quantile(w[h].latency, 0.99))}` : '');
  const stable = step.stable.requests > 0 ? `stable ${tally(step.stable, 'errors')}${p99('stable')}` : 'no stable traffic this step';
  return `canary ${tally(step.canary, 'errors')}${p99('canary')} vs ${stable} (budget ${pct(state.evidence.budget)}, bound ${state.spec.p99Ms} ms)`;
}

/** Each test's e-value and rejection threshold, and the run's counts, for the record and reports. */
export function meshFigures(state: { readonly evidence: Evidence }): Record<string, number> {
  const e = state.evidence;
  const figures: Record<string, number> = { 'run.alpha': e.alpha, 'run.canaryRequests': e.canary.requests, 'run.canaryErrors': e.canary.errors, 'run.stableRequests': e.stable.requests, 'run.stableErrors': e.stable.errors, 'run.ticks': e.ticks };
  for (const name of Object.keys(e.tests) as TestName[]) {
    const s = standing(e, name);
    figures[`e.${name}`] = s.e;
    figures[`e.${name}.threshold`] = s.threshold;
  }
  return figures;
}

function test(e: Evidence, name: TestName): string {
  const s = standing(e, name);
  const shown = s.e >= 1e6 ? s.e.toExponential(1) : String(s.e);
  return `${name} e-value ${shown} (rejects at ${s.threshold})`;
}

function tally(t: Tally, what: 'errors' | 'slow'): string {
  return `${pct(rate(t[what], t.requests))} (${t[what]}/${t.requests})`;
}

const minus = (a: Tally, b: Tally): Tally => ({ requests: a.requests - b.requests, errors: a.errors - b.errors, slow: a.slow - b.slow });
const rate = (k: number, n: number): number => (n > 0 ? k / n : 0);
const over = (t: Tally, budget: number): boolean => t.requests > 0 && t.errors / t.requests > budget;
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const ms = (x: number): string => `${Number.isFinite(x) ? x.toFixed(1) : '-'} ms`;
