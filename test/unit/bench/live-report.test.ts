import { describe, expect, it } from 'vitest';
import { detectionAtTen, liveLines, type LiveCase, type LiveRun } from '../../../bench/live-report.js';

const run = (over: Partial<LiveRun>): LiveRun => ({ exitCode: 0, seconds: 200, reachedTen: true, revertedFrom: undefined, detectMs: undefined, verdict: '', ...over });
const healthy: LiveCase = { name: 'healthy', title: 'healthy', canaryRate: 0.001, onsetMs: 0, kind: 'healthy' };
const burst: LiveCase = { name: 'burst', title: 'burst', canaryRate: 0.6, onsetMs: 5000, kind: 'burst' };
const regression: LiveCase = { ...burst, name: 'regression', title: 'regression', canaryRate: 0.005, kind: 'regression' };

describe('live judge figures', () => {
  it('counts a run as detected at 10% only when it was aborted and reverted from the 10% step after the onset', () => {
    expect(detectionAtTen(run({ exitCode: 3, revertedFrom: 10, detectMs: 310 }))).toBe(310);
    expect(detectionAtTen(run({ exitCode: 3, revertedFrom: 50, detectMs: 70_000 }))).toBe(Number.POSITIVE_INFINITY);
    expect(detectionAtTen(run({ exitCode: 3, revertedFrom: 10, detectMs: -200 }))).toBe(Number.POSITIVE_INFINITY);
    expect(detectionAtTen(run({ exitCode: 5, revertedFrom: 10, detectMs: 400 }))).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports healthy aborts and holds as false ones, with the interval, and leaves out runs that never reached 10%', () => {
    const lines = liveLines(healthy, [run({}), run({ exitCode: 3 }), run({ exitCode: 5 }), run({ exitCode: 1, reachedTen: false })], 60).join('\n');
    expect(lines).toContain('promoted 1');
    expect(lines).toContain('1 run(s) ended before the 10% step');
    expect(lines).toMatch(/false aborts 33\.3% \(1\/3\) 95% \[\d+\.\d%, \d+\.\d%\]; held 33\.3% \(1\/3\)/);
  });

  it('takes the burst median over the runs reverted from 10% and says whether the 0.5 s goal is met', () => {
    const fast = [310, 280, 450].map((ms) => run({ exitCode: 3, revertedFrom: 10, detectMs: ms }));
    expect(liveLines(burst, fast, 60).join('\n')).toMatch(/median 0\.31 s \(min 0\.28 s, max 0\.45 s\).*\n.*goal: median <= 0\.5 s: met/);
    const slow = [900, 1200, 450].map((ms) => run({ exitCode: 3, revertedFrom: 10, detectMs: ms }));
    expect(liveLines(burst, slow, 60).join('\n')).toContain('NOT met');
  });

  it('counts a regression caught only at 50% as not detected within the 10% bake, and names where it was', () => {
    const runs = [run({ exitCode: 3, revertedFrom: 10, detectMs: 30_000 }), run({ exitCode: 3, revertedFrom: 50, detectMs: 80_000 }), run({ exitCode: 3, revertedFrom: 50, detectMs: 90_000 })];
    const lines = liveLines(regression, runs, 60).join('\n');
    expect(lines).toContain('median never');
    expect(lines).toContain('not detected within the 60 s bake at 10%: 66.7% (2/3)');
    expect(lines).toContain('reverted at a later step: 50% 2');
    expect(lines).toContain('(median): NOT met');
  });
});
