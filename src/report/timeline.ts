import type { RunRecord, StepRecord, WindowRecord } from '../domain/run-record.js';
import { figureOf } from './figures.js';

/** [time in ms since the epoch, value] */
export type Point = readonly [number, number];
/** Points drawn as one line; a gap between steps starts a new segment. */
export type Segment = readonly Point[];

export interface PerRevision {
  readonly stable: readonly Segment[];
  readonly canary: readonly Segment[];
}

/**
 * Everything the HTML report plots, derived from the run record alone. Rates, error rates
 * and p99 come from the load source's windows (`stable.requests`, `canary.p99Ms`...): one
 * point per judged window. Prometheus readings are cumulative since the step began
 * (`prometheus.canary.requests`), not per window, so they are not plotted as such.
 */
export interface Timeline {
  readonly start: number;
  readonly end: number;
  /** The canary weight in percent, as a step function over the whole run. */
  readonly weight: Segment;
  /** Responses per second, per revision, one point per judged window. */
  readonly rate: PerRevision;
  /** Non-2xx responses in percent of each revision's responses. */
  readonly errorPct: PerRevision;
  readonly p99Ms: PerRevision;
  /** The SLO the verdicts applied: the error budget in percent and the p99 bound. */
  readonly budgetPct: number | undefined;
  readonly p99BoundMs: number | undefined;
  readonly steps: readonly { readonly at: number; readonly weight: number }[];
  /** When and why the run was stopped and reverted; undefined for a run that was not. */
  readonly abort: { readonly at: number; readonly label: string } | undefined;
}

const ENDED_BADLY = new Set(['aborted', 'reverted', 'interrupted', 'failed']);
/** What revert.ts records when traffic is back on stable: the moment the weight fell to 0. */
const TRAFFIC_BACK = 'traffic back at 100% stable';

const ms = (iso: string): number => Date.parse(iso);

export function timeline(record: RunRecord): Timeline {
  const windows = record.steps.flatMap((s) => s.windows ?? []);
  const lastWindow = Math.max(...windows.map((w) => ms(w.end)), 0);
  const start = ms(record.startedAt);
  const end = Math.max(ms(record.endedAt ?? record.updatedAt), lastWindow, start + 1000);
  const back = trafficBackAt(record);
  return {
    start,
    end,
    weight: weightLine(record, start, end, back),
    rate: perRevision(record.steps, (w, rev) => rate(w, rev)),
    errorPct: perRevision(record.steps, (w, rev) => errorPct(w, rev)),
    p99Ms: perRevision(record.steps, (w, rev) => nonNegative(w.figures[`${rev}.p99Ms`])),
    budgetPct: sloFigure(record, 'budget', 100),
    p99BoundMs: sloFigure(record, 'p99BoundMs', 1),
    steps: record.steps.map((s) => ({ at: ms(s.startedAt), weight: s.weight })),
    abort: abortMarker(record, back),
  };
}

function trafficBackAt(record: RunRecord): number | undefined {
  const lastStep = record.steps.at(-1);
  const after = lastStep ? ms(lastStep.startedAt) : ms(record.startedAt);
  const event = record.events.find((e) => e.message.startsWith(TRAFFIC_BACK) && ms(e.at) >= after);
  if (event) return ms(event.at);
  return ENDED_BADLY.has(record.outcome) && record.weight === 0 && lastStep ? ms(record.endedAt ?? record.updatedAt) : undefined;
}

function weightLine(record: RunRecord, start: number, end: number, back: number | undefined): Segment {
  const points: Point[] = [[start, 0]];
  let current = 0;
  for (const s of record.steps) {
    points.push([ms(s.startedAt), current], [ms(s.startedAt), s.weight]);
    current = s.weight;
  }
  if (back !== undefined && current !== 0) {
    points.push([back, current], [back, 0]);
    current = 0;
  }
  points.push([end, current]);
  return points;
}

function perRevision(steps: readonly StepRecord[], value: (w: WindowRecord, rev: 'stable' | 'canary') => number | undefined): PerRevision {
  const line = (rev: 'stable' | 'canary'): Segment[] =>
    steps
      .map((s) => (s.windows ?? []).flatMap((w): Point[] => {
        const v = value(w, rev);
        return v === undefined ? [] : [[(ms(w.start) + ms(w.end)) / 2, v]];
      }))
      .filter((segment) => segment.length > 0);
  return { stable: line('stable'), canary: line('canary') };
}

function rate(w: WindowRecord, rev: string): number | undefined {
  const seconds = (ms(w.end) - ms(w.start)) / 1000;
  const requests = w.figures[`${rev}.requests`];
  return requests === undefined || seconds <= 0 ? undefined : requests / seconds;
}

/** No responses, no rate: a revision that served nothing in a window has no point there. */
function errorPct(w: WindowRecord, rev: string): number | undefined {
  const requests = w.figures[`${rev}.requests`] ?? 0;
  return requests > 0 ? (100 * (w.figures[`${rev}.errors`] ?? 0)) / requests : undefined;
}

function nonNegative(v: number | undefined): number | undefined {
  return v === undefined || v < 0 ? undefined : v;
}

function sloFigure(record: RunRecord, name: string, scale: number): number | undefined {
  const v = record.steps.map((s) => figureOf(s.verdict?.figures, name)).find((f) => f !== undefined && f >= 0);
  return v === undefined ? undefined : v * scale;
}

function abortMarker(record: RunRecord, back: number | undefined): Timeline['abort'] {
  if (!ENDED_BADLY.has(record.outcome)) return undefined;
  const failed = record.steps.find((s) => s.verdict && s.verdict.kind !== 'pass');
  const at = failed?.endedAt ? ms(failed.endedAt) : (back ?? ms(record.endedAt ?? record.updatedAt));
  return { at, label: `${record.outcome}${record.reason ? `: ${record.reason}` : ''}` };
}
