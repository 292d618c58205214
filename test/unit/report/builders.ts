import type { RunRecord, StepRecord, WindowRecord } from '../../../src/domain/run-record.js';
import { verdict, type VerdictKind } from '../../../src/domain/verdict.js';

/** Run records as a real run leaves them, for the renderers' tests. */
export const T0 = Date.parse('2026-11-23T12:00:00Z');
const iso = (sec: number): string => new Date(T0 + sec * 1000).toISOString();

/** One-second windows from `fromSec`, canary errors and p99 as given, stable healthy. */
export function windows(fromSec: number, count: number, weight: number, canary: { errors?: number; p99?: number } = {}): WindowRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    start: iso(fromSec + i),
    end: iso(fromSec + i + 1),
    figures: {
      'stable.requests': 500 - 5 * weight,
      'stable.errors': 0,
      'stable.p99Ms': weight === 100 ? -1 : 20,
      'canary.requests': 5 * weight,
      'canary.errors': canary.errors ?? 0,
      'canary.p99Ms': canary.p99 ?? 22,
    },
  }));
}

export function step(weight: number, fromSec: number, kind: VerdictKind | undefined, reasons: string[] = [`${weight}%: fine`], bakeSec = 10): StepRecord {
  return {
    weight,
    startedAt: iso(fromSec),
    by: 'ci-runner/github:shop/mesh/77/pid-9',
    ...(kind === undefined ? {} : { endedAt: iso(fromSec + bakeSec), verdict: verdict(kind, reasons, { canaryRequests: 50 * weight, canaryErrors: kind === 'fail' ? 40 : 0, canaryP99Ms: 22, budget: 0.005, p99BoundMs: 500 }) }),
    windows: windows(fromSec, kind === undefined ? 3 : bakeSec, weight, kind === 'fail' ? { errors: 20, p99: 80 } : {}),
  };
}

export function runRecord(change: (r: RunRecord) => void = () => undefined): RunRecord {
  const r: RunRecord = {
    schema: 1,
    id: '1-29-6-to-1-30-3',
    from: '1.29.6',
    to: '1.30.3',
    revisions: { stable: '1-29-6', canary: '1-30-3' },
    phase: 'smoke',
    outcome: 'running',
    schedule: [10, 50, 100],
    weight: 0,
    canaryNodes: [{ name: 'kwok-node-2', priorLabel: null }],
    originalWeights: { '0:productpage:9080': 1 },
    promotedNodes: [],
    steps: [],
    events: [{ at: iso(0), message: 'run started by ci-runner (CI job github:shop/mesh/77)', by: 'ci-runner/github:shop/mesh/77/pid-9' }],
    startedAt: iso(0),
    updatedAt: iso(8),
    actor: { host: 'ci-runner', ciJob: 'github:shop/mesh/77', ciUrl: 'https://github.com/shop/mesh/actions/runs/77' },
    reason: undefined,
  };
  change(r);
  return r;
}

/** Passed 10%, failed at 50%: aborted, traffic back at 0. */
export function abortedAt50(): RunRecord {
  return runRecord((r) => {
    r.steps = [step(10, 10, 'pass'), step(50, 21, 'fail', ['fast burn: canary 40/250 failed (burn 32× a 0.50% budget)', 'p99 80 ms over stable 20 ms × 1.5'])];
    r.phase = 'smoke';
    r.outcome = 'aborted';
    r.reason = 'weight 50%: the canary did not pass (fail)';
    r.events.push({ at: iso(31.2), message: 'traffic back at 100% stable' }, { at: iso(40), message: 'aborted: weight 50%: the canary did not pass (fail)' });
    r.weight = 0;
    r.endedAt = iso(40);
    r.updatedAt = iso(40);
  });
}

/** All three steps passed and promoted. */
export function promotedRun(): RunRecord {
  return runRecord((r) => {
    r.steps = [step(10, 10, 'pass'), step(50, 21, 'pass'), step(100, 32, 'pass')];
    r.phase = 'promote';
    r.outcome = 'promoted';
    r.weight = 100;
    r.endedAt = iso(60);
    r.updatedAt = iso(60);
  });
}
