import type { TickCounts } from '../slo/evidence.js';
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
  /** The same outcomes in short slices of counts (no histogram), for judges that decide between windows. */
  readonly ticks: TickCounts[] = [];
  private tick = freshTick();

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
    const t = this.tick;
    t.outcomes++;
    if (r === undefined) {
      w.unlabelled++;
      if (failed) w.unlabelledErrors++;
      if (failed) t.unattributed++;
      return;
    }
    const slow = latencyMs > this.p99Ms;
    r.requests++;
    if (failed) r.errors++;
    if (slow) r.slow++;
    record(r.latency, latencyMs);
    const c = r === w.canary ? t.canary : t.stable;
    c.requests++;
    if (failed) c.errors++;
    if (slow) c.slow++;
  }

  timeout(): void {
    this.current.timeouts++;
    this.unattributed();
  }

  connectionError(): void {
    this.current.connectionErrors++;
    this.unattributed();
  }

  private unattributed(): void {
    this.tick.outcomes++;
    this.tick.unattributed++;
  }

  /** Closes the current tick at `nowMs`; returns every tick so far. */
  cutTick(nowMs: number): readonly TickCounts[] {
    this.ticks.push({ ...this.tick, endMs: nowMs });
    this.tick = freshTick();
    return this.ticks;
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

type MutableTally = { requests: number; errors: number; slow: number };

function freshTick(): { endMs: number; canary: MutableTally; stable: MutableTally; unattributed: number; outcomes: number } {
  return { endMs: 0, canary: { requests: 0, errors: 0, slow: 0 }, stable: { requests: 0, errors: 0, slow: 0 }, unattributed: 0, outcomes: 0 };
}

/** The revision header's value in autocannon's raw header list [name, value, name, value, ...]. */
export function headerValue(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}
