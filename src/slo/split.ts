import { REVISION_HEADER } from '../gateway-api/rules.js';
import { POLICY, type SloSpec } from './spec.js';
import { combine, type WindowStats } from './window.js';

/**
 * Weight verified by observation. After a weight change the proxies take a moment to get
 * the new config, so windows are pooled from the start (or from just after a mismatch)
 * until they hold enough responses to test; the first pool whose canary share is within a
 * binomial tolerance of the asked weight verifies the split, and the bake counts from the
 * start of that pool. A gateway that never shows the split is reported, not trusted.
 */
export type SplitCheck =
  | { readonly kind: 'verified'; readonly from: number; readonly figures: Record<string, number> }
  | { readonly kind: 'pending'; readonly mismatch: { readonly reason: string; readonly figures: Record<string, number> } | undefined }
  | { readonly kind: 'unlabelled'; readonly reason: string; readonly figures: Record<string, number> };

/** Responses a pool needs before its split is testable: enough expected on the rarer side. */
export function splitSamplesNeeded(canaryPercent: number, spec: SloSpec): number {
  const w = canaryPercent / 100;
  const rarer = Math.min(w, 1 - w);
  return rarer > 0 ? Math.max(spec.minSamples, Math.ceil(POLICY.splitMinExpected / rarer)) : spec.minSamples;
}

export function checkSplit(windows: readonly WindowStats[], canaryPercent: number, spec: SloSpec): SplitCheck {
  const need = splitSamplesNeeded(canaryPercent, spec);
  let from = 0;
  let mismatch: { reason: string; figures: Record<string, number> } | undefined;
  for (let i = 0; i < windows.length; i++) {
    const pool = combine(windows.slice(from, i + 1));
    const labelled = pool.stable.requests + pool.canary.requests;
    const all = labelled + pool.unlabelled;
    if (all < need) continue;
    if (pool.unlabelled / all > POLICY.unlabelledMaxShare) return unlabelled(pool, all);
    const test = splitTest(pool.canary.requests, labelled, canaryPercent);
    const figures = { 'split.expectedPct': canaryPercent, 'split.observedPct': Number(test.observedPct.toFixed(2)), 'split.tolerancePct': Number(test.tolerancePct.toFixed(2)), 'split.responses': labelled };
    if (test.ok) return { kind: 'verified', from, figures };
    mismatch = {
      reason: `split: the gateway does not apply the weights: asked ${canaryPercent}% canary, saw ${test.observedPct.toFixed(1)}% (${pool.canary.requests} of ${labelled} responses in ${((pool.endMs - pool.startMs) / 1000).toFixed(1)} s; tolerance ±${test.tolerancePct.toFixed(1)}%)`,
      figures,
    };
    from = i + 1;
  }
  return { kind: 'pending', mismatch };
}

/** Within splitZ binomial standard deviations of the expected count, plus one request for discreteness (and for 100%, where the deviation is 0). */
export function splitTest(canary: number, labelled: number, canaryPercent: number): { ok: boolean; observedPct: number; tolerancePct: number } {
  const w = canaryPercent / 100;
  const tolerance = POLICY.splitZ * Math.sqrt(labelled * w * (1 - w)) + 1;
  const observedPct = labelled > 0 ? (100 * canary) / labelled : 0;
  return { ok: Math.abs(canary - w * labelled) <= tolerance, observedPct, tolerancePct: labelled > 0 ? (100 * tolerance) / labelled : 100 };
}

function unlabelled(pool: WindowStats, all: number): SplitCheck {
  return {
    kind: 'unlabelled',
    reason: `attribution: ${pool.unlabelled} of ${all} responses carried no ${REVISION_HEADER} header naming the stable or canary revision: the route's per-backend ResponseHeaderModifier is missing or rewritten, so the judge cannot tell the revisions apart`,
    figures: { 'split.unlabelled': pool.unlabelled, 'split.responses': all },
  };
}
