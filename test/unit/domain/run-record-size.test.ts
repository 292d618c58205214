import { describe, expect, it } from 'vitest';
import { keptWindows, MAX_EVENTS, WINDOW_BUDGET, type RunRecord, type WindowRecord } from '../../../src/domain/run-record.js';
import { encodeRecord } from '../../../src/kube/record-codec.js';
import { judgedWindows as windows, startedRecord } from '../../support/run-record.js';

/** The most a ConfigMap's data may hold (the apiserver refuses more). */
const CONFIGMAP_LIMIT = 1024 * 1024;


/** A whole run at the worst: every step baked 30 min at 1 s windows, and the events list full. */
function longRun(schedule: number[], keep: (w: WindowRecord[]) => WindowRecord[]): RunRecord {
  return startedRecord('1-29-6-to-1-30-3', {
    schedule,
    steps: schedule.map((weight) => ({ weight, startedAt: '2026-11-23T12:00:00.000Z', by: 'ci-runner/github:shop/mesh/77/pid-9', endedAt: '2026-11-23T12:30:00.000Z', windows: keep(windows(1800)) })),
    events: Array.from({ length: MAX_EVENTS }, (_, i) => ({ at: '2026-11-23T12:00:00.000Z', message: `verdict at 10%: pass: load: 1800 conclusive window(s) covering 1800.0 s: canary 0/81216 failed (burn 0× a 0.50% budget) #${i}`, by: 'ci-runner/github:shop/mesh/77/pid-9' })),
  });
}

const bytes = (r: RunRecord) => Buffer.byteLength(encodeRecord(r, 'istio-system', 'ambient-canary/0.1.0').data?.['record.json'] ?? '');

describe('Given bakes of 30 minutes judged every second', () => {
  it.each([[[10, 50, 100]], [[1, 2, 5, 10, 25, 50, 75, 100]], [Array.from({ length: 20 }, (_, i) => 5 * (i + 1))]])(
    'the record of a run with schedule %j still fits a ConfigMap',
    (schedule) => {
      expect(bytes(longRun(schedule, (w) => w))).toBeGreaterThan(CONFIGMAP_LIMIT);
      expect(bytes(longRun(schedule, (w) => keptWindows(w, schedule.length)))).toBeLessThan(CONFIGMAP_LIMIT * 0.8);
    },
  );
});

describe('keptWindows', () => {
  it('keeps every window of a step that fits its share of the budget', () => {
    const ws = windows(WINDOW_BUDGET / 3);
    expect(keptWindows(ws, 3)).toEqual(ws);
  });

  it('thins a long step to evenly spaced windows, first and last kept, in order', () => {
    const ws = windows(1800);
    const kept = keptWindows(ws, 3);
    expect(kept).toHaveLength(WINDOW_BUDGET / 3);
    expect(kept[0]).toBe(ws[0]);
    expect(kept.at(-1)).toBe(ws.at(-1));
    const at = kept.map((w) => ws.indexOf(w));
    expect(new Set(at).size).toBe(kept.length);
    const gaps = at.slice(1).map((x, i) => x - (at[i] as number));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });

  it('keeps at least the first and last window however many steps share the budget', () => {
    const ws = windows(50);
    expect(keptWindows(ws, 10_000)).toEqual([ws[0], ws[49]]);
  });
});
