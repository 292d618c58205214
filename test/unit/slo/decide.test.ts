import { describe, expect, it } from 'vitest';
import { decide, isThin, type Decision } from '../../../src/slo/decide.js';
import { DEFAULT_SLO, type SloSpec } from '../../../src/slo/spec.js';
import { emptyWindow, type WindowStats } from '../../../src/slo/window.js';
import { healthy, repeat, windows, type WindowSpec } from './builders.js';

/** Asks the judge after every window, as the load port does; returns the first stop and when. */
function bake(specs: readonly WindowSpec[], canaryPercent: number, bakeMs: number, ended = false, spec: SloSpec = DEFAULT_SLO): { decision: Decision; after: number } {
  const all = windows(specs, spec);
  if (all.length === 0) return { decision: decide({ spec, canaryPercent, bakeMs, windows: [], ended }), after: 0 };
  for (let i = 1; i <= all.length; i++) {
    const decision = decide({ spec, canaryPercent, bakeMs, windows: all.slice(0, i), ended: ended && i === all.length });
    if (decision.done) return { decision, after: i };
  }
  return { decision: { done: false }, after: all.length };
}

const verdictOf = (d: Decision) => (d.done ? d.verdict : undefined);

interface Row {
  readonly name: string;
  readonly specs: readonly WindowSpec[];
  readonly weight: number;
  readonly bakeMs: number;
  readonly ended?: boolean;
  /** Expected verdict kind, or 'continue'. */
  readonly kind: 'pass' | 'fail' | 'inconclusive' | 'error' | 'continue';
  /** The rule named first in the reasons. */
  readonly rule?: RegExp;
  /** After how many windows the judge stops. */
  readonly after?: number;
}

const at10 = healthy(10);
const at50 = healthy(50);
const rows: Row[] = [
  // Healthy traffic.
  { name: 'healthy 10% at 500 rps passes when the bake time is covered', specs: repeat(5, at10), weight: 10, bakeMs: 5000, kind: 'pass', after: 5 },
  { name: 'healthy traffic keeps baking until the bake time is covered', specs: repeat(3, at10), weight: 10, bakeMs: 5000, kind: 'continue' },
  { name: 'healthy 50% passes', specs: repeat(3, at50), weight: 50, bakeMs: 3000, kind: 'pass', after: 3 },
  { name: 'healthy 100% passes with no stable to compare', specs: repeat(3, { canary: { n: 500 } }), weight: 100, bakeMs: 3000, kind: 'pass', after: 3 },
  // Budget edges.
  { name: 'a canary exactly at its budget (0.5%), like the stable, is not failed', specs: repeat(10, { stable: { n: 200, errors: 1 }, canary: { n: 200, errors: 1 } }), weight: 50, bakeMs: 10_000, kind: 'pass' },
  { name: 'background 0.1% errors on both revisions pass', specs: repeat(10, { stable: { n: 1000, errors: 1 }, canary: { n: 1000, errors: 1 } }), weight: 50, bakeMs: 10_000, kind: 'pass' },
  { name: 'burn 3 (1.5%) is caught by the slow rule within 3 windows', specs: repeat(10, { stable: { n: 300 }, canary: { n: 200, errors: 3 } }), weight: 40, bakeMs: 10_000, kind: 'fail', rule: /^slow-burn/, after: 3 },
  { name: 'burn 16 (8%) at 10% of 500 rps is caught by the fast rule in the first window', specs: repeat(5, { stable: { n: 450 }, canary: { n: 50, errors: 4 } }), weight: 10, bakeMs: 5000, kind: 'fail', rule: /^fast-burn/, after: 1 },
  { name: 'faults starting mid-bake abort within 2 windows of onset', specs: [...repeat(4, at10), ...repeat(4, { stable: { n: 450 }, canary: { n: 50, errors: 4 } })], weight: 10, bakeMs: 10_000, kind: 'fail', rule: /^fast-burn/, after: 5 },
  { name: 'all canary responses failing fail at once', specs: repeat(3, { stable: { n: 450 }, canary: { n: 50, errors: 50 } }), weight: 10, bakeMs: 3000, kind: 'fail', rule: /^fast-burn/, after: 1 },
  // Too few samples.
  { name: 'one window under minSamples is not judged on its errors alone', specs: [{ stable: { n: 90 }, canary: { n: 10, errors: 3 } }], weight: 10, bakeMs: 5000, kind: 'continue' },
  { name: 'no windows at all is inconclusive', specs: [], weight: 10, bakeMs: 5000, ended: true, kind: 'inconclusive' },
  { name: 'windows without any response are inconclusive (split untestable)', specs: repeat(5, {}), weight: 10, bakeMs: 5000, kind: 'inconclusive', rule: /^split: too few/, after: 5 },
  { name: 'three thin windows in a row stop the bake inconclusive', specs: repeat(6, { stable: { n: 45 }, canary: { n: 5 } }), weight: 10, bakeMs: 5000, kind: 'inconclusive', rule: /^thin windows: the last 3/ },
  { name: 'one thin window extends the bake instead of counting', specs: [at10, at10, { stable: { n: 495 }, canary: { n: 5 } }, at10, at10, at10], weight: 10, bakeMs: 5000, kind: 'pass', after: 6 },
  { name: 'a bake that ends before its conclusive windows cover it is inconclusive', specs: repeat(3, at10), weight: 10, bakeMs: 5000, ended: true, kind: 'inconclusive', rule: /^thin windows: only 3.0 s/ },
  { name: 'thin windows scattered past the extension are inconclusive', specs: [...repeat(4, at10), ...[1, 2, 3, 4].flatMap(() => [{ stable: { n: 495 }, canary: { n: 5 } }, at10])], weight: 10, bakeMs: 8000, kind: 'inconclusive', rule: /^thin windows: only/ },
  // Observed split.
  { name: 'no canary traffic at 10% is reported as a gateway ignoring the weights', specs: repeat(6, { stable: { n: 500 } }), weight: 10, bakeMs: 5000, kind: 'error', rule: /^split: the gateway does not apply the weights: asked 10% canary, saw 0.0%/, after: 5 },
  { name: 'a 50/50 split at 10% is an error', specs: repeat(6, at50), weight: 10, bakeMs: 5000, kind: 'error', rule: /saw 50.0%/, after: 5 },
  { name: 'the old split in the first window is tolerated while the route settles', specs: [{ stable: { n: 500 } }, ...repeat(5, at10)], weight: 10, bakeMs: 5000, kind: 'pass', after: 6 },
  { name: 'at 100%, stable stragglers in the first window settle', specs: [{ stable: { n: 200 }, canary: { n: 300 } }, ...repeat(3, { canary: { n: 500 } })], weight: 100, bakeMs: 3000, kind: 'pass', after: 4 },
  { name: 'responses without a revision header are an attribution error', specs: repeat(3, { stable: { n: 350 }, canary: { n: 50 }, unlabelled: 100 }), weight: 10, bakeMs: 3000, kind: 'error', rule: /^attribution: 100 of 500/, after: 1 },
  // Latency.
  { name: 'latency-only regression over the p99 bound fails', specs: repeat(3, { stable: { n: 450 }, canary: { n: 50, lowMs: 400, highMs: 700 } }), weight: 10, bakeMs: 3000, kind: 'fail', rule: /^fast-latency/, after: 1 },
  { name: 'latency-only regression within the bound but 2× the stable fails on the comparison', specs: repeat(5, { stable: { n: 450, lowMs: 10, highMs: 20 }, canary: { n: 50, lowMs: 30, highMs: 40 } }), weight: 10, bakeMs: 5000, kind: 'fail', rule: /^canary-vs-stable-p99/, after: 1 },
  { name: 'a canary 20% slower than stable is within the ratio bound', specs: repeat(5, { stable: { n: 450, lowMs: 10, highMs: 20 }, canary: { n: 50, lowMs: 12, highMs: 24 } }), weight: 10, bakeMs: 5000, kind: 'pass' },
  // Canary vs stable errors.
  { name: 'a canary worse than stable but within budget fails on the comparison', specs: repeat(12, { stable: { n: 250 }, canary: { n: 250, errors: 1 } }), weight: 50, bakeMs: 12_000, kind: 'fail', rule: /^canary-vs-stable-errors/, after: 10 },
  { name: 'a canary erring at the stable rate is not compared worse', specs: repeat(10, { stable: { n: 250, errors: 1 }, canary: { n: 250, errors: 1 } }), weight: 50, bakeMs: 10_000, kind: 'pass' },
  // Failures without a revision.
  { name: 'timeouts (no response, no header) fail the unattributed rule', specs: repeat(3, { stable: { n: 420 }, canary: { n: 50 }, timeouts: 30 }), weight: 10, bakeMs: 3000, kind: 'fail', rule: /^fast-unattributed/, after: 1 },
  { name: 'connection errors fail the unattributed rule', specs: repeat(3, { stable: { n: 420 }, canary: { n: 50 }, connectionErrors: 30 }), weight: 10, bakeMs: 3000, kind: 'fail', rule: /^fast-unattributed/, after: 1 },
];

describe('decide: one weight step, window by window', () => {
  it.each(rows)('$name', (row) => {
    const { decision, after } = bake(row.specs, row.weight, row.bakeMs, row.ended);
    if (row.kind === 'continue') {
      expect(decision.done).toBe(false);
      return;
    }
    const v = verdictOf(decision);
    expect(v?.kind, v?.reasons.join('; ')).toBe(row.kind);
    if (row.rule) expect(v?.reasons[0]).toMatch(row.rule);
    if (row.after !== undefined) expect(after).toBe(row.after);
  });

  it('every verdict carries the whole-bake numbers', () => {
    for (const row of rows.filter((r) => r.kind !== 'continue' && r.specs.length > 0)) {
      const v = verdictOf(bake(row.specs, row.weight, row.bakeMs, row.ended).decision);
      for (const key of ['canaryRequests', 'canaryErrors', 'stableRequests', 'budget', 'burn', 'canaryP99Ms', 'expectedCanaryPct', 'observedCanaryPct', 'windows']) {
        expect(v?.figures, `${row.name}: ${key}`).toHaveProperty(key);
      }
    }
  });

  it('a failing verdict names every rule that fired, with its figures', () => {
    const v = verdictOf(bake(repeat(2, { stable: { n: 420 }, canary: { n: 50, errors: 50, lowMs: 600, highMs: 900 }, timeouts: 30 }), 10, 5000).decision);
    expect(v?.kind).toBe('fail');
    const rules = v?.reasons.map((r) => r.split(':')[0]);
    expect(rules).toEqual(expect.arrayContaining(['fast-burn', 'slow-burn', 'fast-latency', 'fast-unattributed']));
    expect(v?.figures['fast-burn.bad']).toBe(50);
    expect(v?.figures['fast-burn.p']).toBeLessThan(1e-10);
  });

  it('a pass at 100% says there was no stable traffic to compare', () => {
    const v = verdictOf(bake(repeat(3, { canary: { n: 500 } }), 100, 3000).decision);
    expect(v?.reasons[0]).toMatch(/no stable traffic\); no rule fired$/);
    expect(v?.figures['stableP99Ms']).toBe(-1);
  });

  it('a passing verdict says how much of the bake was conclusive', () => {
    const v = verdictOf(bake([{ stable: { n: 500 } }, ...repeat(5, at10)], 10, 5000).decision);
    expect(v?.figures).toMatchObject({ settleWindows: 1, countedWindows: 5, thinWindows: 0, conclusiveMs: 5000, 'split.expectedPct': 10, 'split.observedPct': 10 });
  });
});

describe('isThin', () => {
  const w = (ms: number, canary: number): WindowStats => {
    const x = emptyWindow(0, ms);
    x.canary.requests = canary;
    return x;
  };
  it.each([
    [1000, 19, true],
    [1000, 20, false],
    [500, 9, true],
    [500, 10, false],
    [2000, 39, true],
  ])('a %i ms window with %i canary responses is thin: %s', (ms, n, thin) => {
    expect(isThin(w(ms, n), DEFAULT_SLO)).toBe(thin);
  });
});
