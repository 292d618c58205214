import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/domain/evidence.js';
import { STABLE_TESTS, TESTS, continuedEvidence, freshEvidence, latencyThreshold, observeTick, type TestName } from '../../../src/slo/evidence.js';
import { emptyHistogram, record } from '../../../src/slo/histogram.js';
import { decideMesh, type MeshState } from '../../../src/slo/mesh.js';
import { beginStep, foldSample } from '../../../src/slo/mesh-step.js';
import { DEFAULT_SLO } from '../../../src/slo/spec.js';
import { healthy, repeat, windows, type WindowSpec } from './builders.js';

const ALPHA = 0.01;
const tally = (requests: number, errors: number, slow = 0) => ({ requests, errors, slow });

/** Evidence whose named tests have rejected (their e-value far past 1/α), with run counts. */
function evidence(rejected: readonly TestName[], counts: Partial<Pick<Evidence, 'canary' | 'stable'>> = {}): Evidence {
  const e = freshEvidence(DEFAULT_SLO, ALPHA);
  const tests = Object.fromEntries(Object.entries(e.tests).map(([name, p]) => [name, rejected.includes(name as TestName) ? { logs: p.logs.map(() => 50) } : p]));
  return { ...e, tests, canary: counts.canary ?? tally(5000, 5), stable: counts.stable ?? tally(45000, 45) };
}

function state(e: Evidence, specs: readonly WindowSpec[] = repeat(12, healthy(10)), over: Partial<MeshState> = {}): MeshState {
  return { spec: DEFAULT_SLO, canaryPercent: 10, bakeMs: 10_000, windows: windows(specs), ended: false, evidence: e, begun: freshEvidence(DEFAULT_SLO, ALPHA), heldAccepted: false, ...over };
}

const kindOf = (s: MeshState) => {
  const d = decideMesh(s);
  return d.done ? d.verdict.kind : 'continue';
};

describe('the mesh judge: which rejected tests end a step, and how', () => {
  it.each<[string, TestName[], Partial<Pick<Evidence, 'canary' | 'stable'>>, string]>([
    ['nothing rejected: the bake is covered', [], {}, 'pass'],
    ['canary worse than stable on errors, by more than a tenth of the budget', ['errors-vs-stable'], { canary: tally(5000, 100) }, 'fail'],
    ['canary worse than stable on errors, but by less than a tenth of the budget', ['errors-vs-stable'], { canary: tally(5000, 6), stable: tally(45000, 45) }, 'pass'],
    ['the canary burns the budget and the stable is shown within it', ['canary-burn', 'stable-within'], {}, 'fail'],
    ['the canary burns the budget, the stable undecided: the bake ends held', ['canary-burn'], {}, 'held'],
    ['both burn the budget alike', ['canary-burn', 'stable-burn'], {}, 'held'],
    ['both burn it, and the canary is worse too', ['canary-burn', 'stable-burn', 'errors-vs-stable'], { canary: tally(5000, 400) }, 'fail'],
    ['the canary is slower than the bound and the stable is shown within it', ['canary-latency-burn', 'stable-latency-within'], {}, 'fail'],
    ['the canary is slower than the bound, the stable undecided: the bake ends held', ['canary-latency-burn'], {}, 'held'],
    ['both are slower than the bound alike', ['canary-latency-burn', 'stable-latency-burn'], {}, 'held'],
    ['failures no revision can be blamed for', ['unattributed-burn'], {}, 'fail'],
    ['only the stable burns the budget (the canary is within it)', ['stable-burn'], {}, 'pass'],
  ])('%s: %j -> %s', (_what, rejected, counts, expected) => {
    // The step's counts are the run's (begun is fresh): the excess rule reads them.
    expect(kindOf(state(evidence(rejected, counts)))).toBe(expected);
  });

  it('names canary and stable side by side, with the e-value and its threshold, in a fail', () => {
    const d = decideMesh(state(evidence(['canary-burn', 'stable-within'], { canary: tally(5000, 60), stable: tally(45000, 40) })));
    expect(d.done && d.verdict.reasons[0]).toMatch(/^canary-burn: the canary burns the 0\.50% error budget and the stable is within it: canary 1\.20% \(60\/5000\) vs stable 0\.09% \(40\/45000\) over the run; canary-burn e-value \d\.\de\+\d+ \(rejects at 1000\), stable-within e-value \d\.\de\+\d+ \(rejects at 1000\)$/);
    expect(d.done && d.verdict.figures['e.canary-burn.threshold']).toBe(1000);
    expect(d.done && d.verdict.figures['e.errors-vs-stable.threshold']).toBe(286);
  });

  it('passes with canary and stable side by side and each test where it stands', () => {
    const d = decideMesh(state(evidence([])));
    expect(d.done && d.verdict.reasons[0]).toMatch(/^\d+ conclusive window\(s\) covering \d+\.\d s; canary 0\.10% \(5\/5000\), p99 [\d.]+ ms vs stable 0\.10% \(45\/45000\), p99 [\d.]+ ms \(budget 0\.50%, bound 500 ms\); no test rejected: errors-vs-stable e-value 1 \(rejects at 286\), latency-vs-stable e-value 1 \(rejects at 286\), canary-burn e-value 1 \(rejects at 1000\)$/);
  });

  it('names both rates and the budget when held, and says what the user can do', () => {
    const d = decideMesh(state(evidence(['canary-burn', 'stable-burn'], { canary: tally(5000, 50), stable: tally(45000, 460) })));
    expect(d.done && d.verdict.reasons[0]).toMatch(/^both revisions break the SLO alike: the application fails 1\.00% on the canary \(50\/5000\) and 1\.02% on the stable \(460\/45000\); the budget is 0\.50%; the canary is not worse .*`canary step` goes on, `canary abort` reverts$/);
  });

  it('is not held again once the user went on after a hold: the canary is judged against the stable alone', () => {
    expect(kindOf(state(evidence(['canary-burn', 'stable-burn']), undefined, { heldAccepted: true }))).toBe('pass');
    expect(kindOf(state(evidence(['canary-burn', 'stable-burn', 'errors-vs-stable'], { canary: tally(5000, 400) }), undefined, { heldAccepted: true }))).toBe('fail');
  });

  it('holds at the end of the bake when the canary is over the budget and the stable demonstrably is (no canary test rejected yet)', () => {
    const e = evidence(['stable-burn'], { canary: tally(5000, 50), stable: tally(45000, 460) });
    expect(kindOf(state(e))).toBe('held');
    expect(kindOf(state(e, undefined, { heldAccepted: true }))).toBe('pass');
  });

  it('waits while the canary burns the budget and the stable is shown neither within nor beyond it', () => {
    expect(kindOf(state(evidence(['canary-burn']), repeat(3, healthy(10))))).toBe('continue');
    expect(kindOf(state(evidence(['canary-burn', 'stable-within']), repeat(3, healthy(10))))).toBe('fail');
    expect(kindOf(state(evidence(['canary-burn', 'stable-burn']), repeat(3, healthy(10))))).toBe('held');
    const d = decideMesh(state(evidence(['canary-burn'])));
    expect(d.done && d.verdict.reasons[0]).toMatch(/^the canary burns the 0\.50% error budget .*and the stable's 0\.10% \(45\/45000\) cannot be told from the budget yet/);
  });

  it('decides a rejected test before any window closed (a gross failure), and waits otherwise', () => {
    expect(kindOf(state(evidence(['errors-vs-stable'], { canary: tally(50, 25) }), []))).toBe('fail');
    expect(kindOf(state(evidence([]), []))).toBe('continue');
    expect(kindOf(state(evidence([]), [], { ended: true }))).toBe('inconclusive');
  });

  it('leaves the split and thin-window rules as the absolute judge has them', () => {
    expect(kindOf(state(evidence([]), repeat(12, healthy(50))))).toBe('error');
    expect(kindOf(state(evidence([]), repeat(12, { stable: { n: 495 }, canary: { n: 5 } }), { canaryPercent: 1 }))).toBe('inconclusive');
  });
});

describe('the run evidence', () => {
  it('holds every abort test and the stable tests, each at an equal share of α', () => {
    const e = freshEvidence(DEFAULT_SLO, ALPHA);
    expect(Object.keys(e.tests).sort()).toEqual([...TESTS, ...STABLE_TESTS].sort());
  });

  it('goes on from the recorded evidence only when the SLO, α and the tests are the same', () => {
    const recorded = observeTick(freshEvidence(DEFAULT_SLO, ALPHA), { endMs: 1, canary: tally(5, 1), stable: tally(45, 0), unattributed: 0, outcomes: 50 });
    expect(continuedEvidence(recorded, DEFAULT_SLO, ALPHA)).toBe(recorded);
    expect(continuedEvidence(recorded, DEFAULT_SLO, 0.05).ticks).toBe(0);
    expect(continuedEvidence(recorded, { ...DEFAULT_SLO, successRate: 0.999 }, ALPHA).ticks).toBe(0);
    expect(continuedEvidence(recorded, { ...DEFAULT_SLO, p99Ms: 200 }, ALPHA).ticks).toBe(0);
    const otherBuild = { ...recorded, tests: { ...recorded.tests, 'canary-burn': { logs: [0, 0] } } };
    expect(continuedEvidence(otherBuild, DEFAULT_SLO, ALPHA).ticks).toBe(0);
    expect(continuedEvidence(undefined, DEFAULT_SLO, ALPHA).ticks).toBe(0);
  });

  it('counts each revision over the run, tick by tick', () => {
    let e = freshEvidence(DEFAULT_SLO, ALPHA);
    for (let i = 0; i < 3; i++) e = observeTick(e, { endMs: i, canary: tally(5, 1, 1), stable: tally(45, 2), unattributed: 1, outcomes: 51 });
    expect([e.canary, e.stable, e.unattributed, e.outcomes, e.ticks]).toEqual([tally(15, 3, 3), tally(135, 6), 3, 153, 3]);
  });

  it('takes no latency yardstick before the stable served 200 responses, then its p99 plus the slack', () => {
    const h = emptyHistogram();
    for (let i = 1; i <= 199; i++) record(h, i / 10);
    expect(latencyThreshold(h)).toBeUndefined();
    record(h, 20);
    expect(latencyThreshold(h)).toBeGreaterThan(19.7 + 2);
  });
});

describe('folding a step', () => {
  it('folds every tick and window exactly once, however often the same cumulative lists come', () => {
    const ticks = Array.from({ length: 4 }, (_, i) => ({ endMs: i, canary: tally(5, 1), stable: tally(45, 0), unattributed: 0, outcomes: 50 }));
    const ws = windows(repeat(3, healthy(10)));
    let p = beginStep(freshEvidence(DEFAULT_SLO, ALPHA));
    p = foldSample(p, ticks.slice(0, 2), ws.slice(0, 1));
    p = foldSample(p, ticks.slice(0, 2), ws.slice(0, 1));
    p = foldSample(p, ticks, ws);
    expect([p.evidence.ticks, p.evidence.windows, p.evidence.canary.requests]).toEqual([4, 3, 20]);
    expect(p.earlierStable.total).toBe(3 * 450);
    expect(p.begun.ticks).toBe(0);
  });
});
