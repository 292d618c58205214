import { describe, expect, it } from 'vitest';
import { detectionSteps, falseAbortSteps, FALSE_ABORT_CASES, DETECTION_CASES, ONSET_MS, BAKE_MS } from '../../../bench/judge-cases.js';
import { namesBothRates, detectionSeconds } from '../../../bench/judges-report.js';
import { runRun, runStep, SimStepJudge, specFor } from '../../../bench/sim-judges.js';
import { lognormal, StepStream, type Behaviour } from '../../../bench/sim-stream.js';
import { seeded } from '../../support/seeded.js';

const caseNamed = <T extends { name: string }>(cases: readonly T[], prefix: string): T => cases.find((c) => c.name.startsWith(prefix)) as T;

describe('both judges over simulated runs, as the step judge drives them', () => {
  it('passes a healthy run at every step once 60 s of windows are counted, both judges on the same draws', () => {
    const [absolute, mesh] = runRun(falseAbortSteps(caseNamed(FALSE_ABORT_CASES, '0.1%')), BAKE_MS, seeded(11));
    expect(absolute).toMatchObject({ kind: 'pass', step: 2, atMs: 60_000 });
    expect(mesh).toMatchObject({ kind: 'pass', step: 2, atMs: 60_000 });
  });

  it("carries the mesh judge's evidence from step to step, and not the absolute judge's (it has none)", () => {
    const [first, second] = falseAbortSteps(caseNamed(FALSE_ABORT_CASES, '0.1%'));
    const random = seeded(12);
    const step1 = new SimStepJudge(specFor('mesh'), 10, 5_000, undefined);
    runStep(new StepStream(first!, random), [step1], 5_000);
    const step2 = new SimStepJudge(specFor('mesh'), 50, 5_000, step1.evidence);
    runStep(new StepStream(second!, random), [step2], 5_000);
    const one = step1.evidence!;
    const both = step2.evidence!;
    expect(one.canary.requests).toBeGreaterThan(0);
    expect(both.canary.requests).toBeGreaterThan(one.canary.requests);
    // Each 5 s bake passes at its 5th window: 50 ticks and 5 windows per step, the second step's on top of the first's.
    expect([one.ticks, one.windows]).toEqual([50, 5]);
    expect([both.ticks, both.windows]).toEqual([100, 10]);
    expect(new SimStepJudge(specFor('absolute'), 10, 5_000, one).evidence).toBeUndefined();
  });

  it('ends a gross failure between windows under the mesh judge (100 ms ticks), at a window under the absolute one', () => {
    const gross: Behaviour = { errorRate: 0.6, latency: lognormal(4, 15) };
    const [absolute, mesh] = runRun(detectionSteps({ name: 'gross', regressed: gross }), BAKE_MS, seeded(13));
    expect(absolute!.kind).toBe('fail');
    expect(absolute!.atMs % 1000).toBe(0);
    expect(mesh!.kind).toBe('fail');
    expect(mesh!.atMs % 1000).not.toBe(0);
    expect(mesh!.atMs - ONSET_MS).toBeLessThan(1000);
    expect(detectionSeconds(mesh!)).toBeCloseTo((mesh!.atMs - ONSET_MS) / 1000, 9);
  });

  it('holds, naming both rates, where the application fails 1% on both revisions; the absolute judge aborts', () => {
    const [absolute, mesh] = runRun(falseAbortSteps(caseNamed(FALSE_ABORT_CASES, 'app fails 1%')), BAKE_MS, seeded(14));
    expect(absolute!.kind).toBe('fail');
    expect(mesh!.kind).toBe('held');
    expect(namesBothRates(mesh!.reason)).toBe(true);
  });

  it('counts a run not aborted within the bake, or aborted before the onset, as not detected', () => {
    const ok = { kind: 'fail' as const, step: 0, reason: '' };
    expect(detectionSeconds({ ...ok, atMs: ONSET_MS + 2_500 })).toBe(2.5);
    expect(detectionSeconds({ ...ok, atMs: ONSET_MS - 100 })).toBe(Infinity);
    expect(detectionSeconds({ ...ok, kind: 'pass', atMs: 65_000 })).toBe(Infinity);
    expect(detectionSeconds({ ...ok, kind: 'held', atMs: 10_000 })).toBe(Infinity);
    expect(DETECTION_CASES.map((c) => c.name)).toEqual(['errors 2× (0.2%)', 'errors 5× (0.5%)', 'errors 50× (5.0%)', 'latency 1.5× (p99 22.5 ms)', 'latency 3× (p99 45 ms)']);
  });
});
