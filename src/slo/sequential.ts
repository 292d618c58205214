import type { EProcess } from '../domain/evidence.js';

/**
 * Anytime-valid tests: e-processes that may be looked at after every response, window and
 * step of a run, and whose false-alarm probability over all those looks together is still at
 * most α. Each is a mixture of likelihood ratios (a mixture SPRT: Robbins 1970; as used for
 * canaries by Lindon et al., "Anytime-valid inference for multinomial count data", and
 * Netflix's "Sequential testing for canary analysis", KDD 2022, arXiv 2205.14762). Under the
 * null each likelihood ratio is a non-negative (super)martingale with mean 1, so is any
 * average of them, and Ville's inequality bounds the chance that it *ever* reaches 1/α by α.
 * That is the whole argument: it does not depend on how often, or how long, one looks.
 *
 * Two tests are built from it:
 *  - **compare** (canary vs stable on the same windows). Given that an event (an error, a
 *    slow response) happened in a tick where the canary served nC and the stable nS
 *    requests, it is the canary's with probability q = nC/(nC+nS) when both revisions have
 *    the same rate, and θq/(θq+1−q) when the canary's rate is θ times the stable's. The
 *    likelihood ratio of a tick with kC canary and kS stable events is
 *        LR_θ = θ^kC / (θq + 1 − q)^(kC+kS)
 *    Exact given the request counts, whatever the common rate is (so an application that
 *    fails on both revisions alike does not move it), and a supermartingale whenever the
 *    canary is no worse (θ ≤ 1).
 *  - **burn** (one revision's rate against a fixed budget b). A tick of k events in n
 *    requests has LR_p = (p/b)^k ((1−p)/(1−b))^(n−k) for an alternative rate p > b; its
 *    expectation is at most 1 whenever the true rate is at most b.
 *  - **within** (the mirror image: is a revision's rate below b?): the same LR_p for
 *    alternatives p < b, whose expectation is at most 1 whenever the true rate is at least b.
 * The mixtures are uniform over a fixed grid of alternatives, from barely worse (power over
 * long bakes) to nearly everything failing (a gross failure rejects within a few events).
 */

/** Alternative rates below the budget, as multiples of it: the test that a revision is *within* the budget. */
export const WITHIN_MULTIPLES = [0.5, 0.2, 0.05] as const;

/** The canary's rate as a multiple of the stable's, for the compare mixture. */
export const COMPARE_RATIOS = [1.5, 2, 3, 5, 10, 30, 100] as const;
/** Alternative rates as multiples of the budget (those at or above 1 are dropped: a rate is below 1). */
export const BURN_MULTIPLES = [1.5, 2, 3, 5, 10] as const;
/** Alternative absolute rates for gross failures, whatever the budget. */
export const BURN_GROSS_RATES = [0.3, 0.6, 0.9] as const;

export type { EProcess };

export function freshCompare(): EProcess {
  return { logs: COMPARE_RATIOS.map(() => 0) };
}

/** The burn alternatives for a budget b: multiples of b below 1, then the gross rates above the largest. */
export function burnAlternatives(budget: number): number[] {
  const multiples = BURN_MULTIPLES.map((m) => m * budget).filter((p) => p < 1);
  const top = multiples.at(-1) ?? budget;
  return [...multiples, ...BURN_GROSS_RATES.filter((p) => p > top)];
}

export function freshBurn(budget: number): EProcess {
  return { logs: burnAlternatives(budget).map(() => 0) };
}

export function withinAlternatives(budget: number): number[] {
  return WITHIN_MULTIPLES.map((m) => m * budget);
}

export function freshWithin(budget: number): EProcess {
  return { logs: withinAlternatives(budget).map(() => 0) };
}

/** One tick of the compare test: kC of the canary's nC and kS of the stable's nS requests were events. */
export function advanceCompare(e: EProcess, kC: number, nC: number, kS: number, nS: number): EProcess {
  if (kC + kS === 0 || nC === 0 || nS === 0) return e;
  const q = nC / (nC + nS);
  return { logs: e.logs.map((log, i) => log + compareLogLR(COMPARE_RATIOS[i] as number, kC, kS, q)) };
}

export function compareLogLR(theta: number, kC: number, kS: number, q: number): number {
  return kC * Math.log(theta) - (kC + kS) * Math.log(theta * q + 1 - q);
}

/** One tick of the burn test against `budget`: k events in n requests. */
export function advanceBurn(e: EProcess, k: number, n: number, budget: number): EProcess {
  return advanceRate(e, k, n, budget, burnAlternatives(budget));
}

/** One tick of the within test against `budget`: k events in n requests. */
export function advanceWithin(e: EProcess, k: number, n: number, budget: number): EProcess {
  return advanceRate(e, k, n, budget, withinAlternatives(budget));
}

function advanceRate(e: EProcess, k: number, n: number, budget: number, alternatives: readonly number[]): EProcess {
  if (n === 0) return e;
  return { logs: e.logs.map((log, i) => log + burnLogLR(alternatives[i] as number, budget, k, n)) };
}

export function burnLogLR(p: number, budget: number, k: number, n: number): number {
  return k * Math.log(p / budget) + (n - k) * (Math.log1p(-p) - Math.log1p(-budget));
}

/** The mixture's value: the mean of the components' likelihood ratios (in logs, without overflow). */
export function logEValue(e: EProcess): number {
  const top = Math.max(...e.logs);
  if (!Number.isFinite(top)) return top;
  const sum = e.logs.reduce((s, log) => s + Math.exp(log - top), 0);
  return top + Math.log(sum / e.logs.length);
}

export function eValue(e: EProcess): number {
  return Math.exp(logEValue(e));
}

/** Rejects the null at level α (for this test's share of the run's α): the e-value reached 1/α. */
export function rejects(e: EProcess, alpha: number): boolean {
  return logEValue(e) >= -Math.log(alpha);
}
