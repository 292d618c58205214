import { emptyHistogram, mergeInto, quantile, type Histogram } from './histogram.js';

/** What one revision served in one window, as the load port saw it through the revision header. */
export interface RevisionStats {
  requests: number;
  /** Responses that were not 2xx. */
  errors: number;
  /** Responses slower than the SLO's p99 bound (counted exactly, not from the histogram). */
  slow: number;
  latency: Histogram;
}

/**
 * One window of load. Timeouts and connection errors have no response, so no revision
 * header: they are counted apart, as are responses whose header names neither revision.
 */
export interface WindowStats {
  readonly startMs: number;
  endMs: number;
  readonly stable: RevisionStats;
  readonly canary: RevisionStats;
  /** Responses with no revision header, or one naming neither revision. */
  unlabelled: number;
  /** ... of which were not 2xx. */
  unlabelledErrors: number;
  timeouts: number;
  connectionErrors: number;
}

export function emptyRevision(): RevisionStats {
  return { requests: 0, errors: 0, slow: 0, latency: emptyHistogram() };
}

export function emptyWindow(startMs: number, endMs = startMs): WindowStats {
  return { startMs, endMs, stable: emptyRevision(), canary: emptyRevision(), unlabelled: 0, unlabelledErrors: 0, timeouts: 0, connectionErrors: 0 };
}

/** Failures that no revision can be blamed for by header. */
export function unattributedFailures(w: WindowStats): number {
  return w.unlabelledErrors + w.timeouts + w.connectionErrors;
}

/** Everything the load sent that came to an end: responses, timeouts, connection errors. */
export function outcomes(w: WindowStats): number {
  return w.stable.requests + w.canary.requests + w.unlabelled + w.timeouts + w.connectionErrors;
}

/** Several windows as one (a trailing run, or the whole bake). */
export function combine(windows: readonly WindowStats[]): WindowStats {
  const first = windows[0];
  const out = emptyWindow(first?.startMs ?? 0, windows[windows.length - 1]?.endMs ?? 0);
  for (const w of windows) {
    addRevision(out.stable, w.stable);
    addRevision(out.canary, w.canary);
    out.unlabelled += w.unlabelled;
    out.unlabelledErrors += w.unlabelledErrors;
    out.timeouts += w.timeouts;
    out.connectionErrors += w.connectionErrors;
  }
  return out;
}

function addRevision(into: RevisionStats, from: RevisionStats): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.slow += from.slow;
  mergeInto(into.latency, from.latency);
}

const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : -1);

/**
 * A window as the run record keeps it: flat figures by name, per revision. Latency
 * percentiles are -1 when the revision served nothing (JSON has no NaN).
 */
export function windowFigures(w: WindowStats): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const [name, r] of [['stable', w.stable], ['canary', w.canary]] as const) {
    figures[`${name}.requests`] = r.requests;
    figures[`${name}.errors`] = r.errors;
    figures[`${name}.slow`] = r.slow;
    figures[`${name}.p50Ms`] = round(quantile(r.latency, 0.5));
    figures[`${name}.p90Ms`] = round(quantile(r.latency, 0.9));
    figures[`${name}.p99Ms`] = round(quantile(r.latency, 0.99));
  }
  figures['unlabelled'] = w.unlabelled;
  figures['unlabelledErrors'] = w.unlabelledErrors;
  figures['timeouts'] = w.timeouts;
  figures['connectionErrors'] = w.connectionErrors;
  return figures;
}
