import { record } from '../slo/histogram.js';
import { emptyWindow, type RevisionStats, type WindowStats } from '../slo/window.js';

/**
 * Cuts the stream of outcomes into windows, per revision. This is the hot path (called
 * once per response at tens of thousands a second): a comparison of the revision header
 * with two strings, a few increments and one histogram bucket, nothing more.
 */
export class WindowRecorder {
  private current: WindowStats;
  readonly closed: WindowStats[] = [];

  constructor(
    private readonly stable: string,
    private readonly canary: string,
    private readonly p99Ms: number,
    startMs: number,
  ) {
    this.current = emptyWindow(startMs);
  }

  response(status: number, revision: string | undefined, latencyMs: number): void {
    const w = this.current;
    const failed = status < 200 || status >= 300;
    const r: RevisionStats | undefined = revision === this.canary ? w.canary : revision === this.stable ? w.stable : undefined;
    if (r === undefined) {
      w.unlabelled++;
      if (failed) w.unlabelledErrors++;
      return;
    }
    r.requests++;
    if (failed) r.errors++;
    if (latencyMs > this.p99Ms) r.slow++;
    record(r.latency, latencyMs);
  }

  timeout(): void {
    this.current.timeouts++;
  }

  connectionError(): void {
    this.current.connectionErrors++;
  }

  /** Closes the current window at `nowMs` and opens the next; returns every closed window. */
  cut(nowMs: number): readonly WindowStats[] {
    this.current.endMs = nowMs;
    this.closed.push(this.current);
    this.current = emptyWindow(nowMs);
    return this.closed;
  }

  /** What arrived since the last cut (the drain after the verdict), closed at `nowMs`. */
  tail(nowMs: number): WindowStats {
    this.current.endMs = nowMs;
    return this.current;
  }
}

/** The revision header's value in autocannon's raw header list [name, value, name, value, ...]. */
export function headerValue(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}
