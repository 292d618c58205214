/**
 * Simulated load for the judges' benchmark (bench/judges.ts): one weight step's responses as
 * the load port would record them, drawn from stated rates instead of sent through a gateway.
 * Pure and seeded: the same seed gives the same stream, so a surprising run can be replayed.
 *
 * Each 100 ms tick carries rps/10 requests (an open-loop constant rate, like autocannon's
 * overallRate); each request goes to the canary with probability canaryPercent/100 (so the
 * split is binomial, as a weighted route's is), fails with its revision's error rate, and
 * takes a lognormal latency, recorded into the window's histogram and counted `slow` above
 * the SLO's p99 bound exactly as src/load/recorder.ts does.
 */
import { TICK_MS } from '../src/load/autocannon-load.js';
import type { TickCounts } from '../src/slo/evidence.js';
import { record } from '../src/slo/histogram.js';
import { emptyWindow, type RevisionStats, type WindowStats } from '../src/slo/window.js';

export { TICK_MS };

/** ln(latency) ~ Normal(mu, sigma), latency in ms. */
export interface Lognormal {
  readonly mu: number;
  readonly sigma: number;
}

/** The standard normal's 99th percentile. */
const Z99 = 2.3263478740408408;

/** The lognormal with this median and p99 (ms). */
export function lognormal(medianMs: number, p99Ms: number): Lognormal {
  return { mu: Math.log(medianMs), sigma: Math.log(p99Ms / medianMs) / Z99 };
}

/** The same shape, every latency `factor` times longer (so every quantile, p99 included, is). */
export function scaled(l: Lognormal, factor: number): Lognormal {
  return { mu: l.mu + Math.log(factor), sigma: l.sigma };
}

export function lognormalQuantile(l: Lognormal, z: number): number {
  return Math.exp(l.mu + l.sigma * z);
}

/** How one revision behaves. */
export interface Behaviour {
  readonly errorRate: number;
  readonly latency: Lognormal;
}

export interface StepLoad {
  readonly rps: number;
  readonly canaryPercent: number;
  readonly windowMs: number;
  /** The SLO's p99 bound: responses slower than this are counted `slow`. */
  readonly p99Ms: number;
  readonly stable: Behaviour;
  readonly canary: Behaviour;
  /** From `atMs` into the step on, the canary behaves as `canary` here (a regression's onset). */
  readonly onset?: { readonly atMs: number; readonly canary: Behaviour } | undefined;
}

type MutableTally = { requests: number; errors: number; slow: number };
type MutableTick = { endMs: number; canary: MutableTally; stable: MutableTally; unattributed: number; outcomes: number };

/**
 * One step's stream, grown a tick at a time. `ticks` and `windows` are the step's cumulative
 * lists as a judge is handed them: every tick so far, and every window closed so far.
 */
export class StepStream {
  readonly ticks: TickCounts[] = [];
  readonly windows: WindowStats[] = [];
  private current: WindowStats;
  private spare: number | undefined;
  private readonly perTick: number;
  private readonly ticksPerWindow: number;

  constructor(
    readonly load: StepLoad,
    private readonly random: () => number,
  ) {
    this.perTick = Math.round((load.rps * TICK_MS) / 1000);
    this.ticksPerWindow = Math.round(load.windowMs / TICK_MS);
    this.current = emptyWindow(0);
  }

  /** Milliseconds into the step at the end of the last tick. */
  get nowMs(): number {
    return this.ticks.length * TICK_MS;
  }

  /** Draws the next tick; true when it also closed a window (now the last of `windows`). */
  nextTick(): boolean {
    const startMs = this.nowMs;
    const regressed = this.load.onset !== undefined && startMs >= this.load.onset.atMs;
    const canary = regressed ? (this.load.onset?.canary as Behaviour) : this.load.canary;
    const share = this.load.canaryPercent / 100;
    const tick = freshTick(startMs + TICK_MS);
    for (let i = 0; i < this.perTick; i++) {
      const toCanary = this.random() < share;
      this.serve(toCanary ? this.current.canary : this.current.stable, toCanary ? tick.canary : tick.stable, toCanary ? canary : this.load.stable);
      tick.outcomes++;
    }
    this.ticks.push(tick);
    if (this.ticks.length % this.ticksPerWindow !== 0) return false;
    this.current.endMs = this.nowMs;
    this.windows.push(this.current);
    this.current = emptyWindow(this.nowMs);
    return true;
  }

  private serve(r: RevisionStats, t: MutableTally, b: Behaviour): void {
    const failed = this.random() < b.errorRate;
    const ms = Math.exp(b.latency.mu + b.latency.sigma * this.normal());
    const slow = ms > this.load.p99Ms;
    r.requests++;
    t.requests++;
    if (failed) r.errors++;
    if (failed) t.errors++;
    if (slow) r.slow++;
    if (slow) t.slow++;
    record(r.latency, ms);
  }

  /** A standard normal draw (Box-Muller, both values used). */
  private normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u = 1 - this.random();
    const v = this.random();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

function freshTick(endMs: number): MutableTick {
  return { endMs, canary: { requests: 0, errors: 0, slow: 0 }, stable: { requests: 0, errors: 0, slow: 0 }, unattributed: 0, outcomes: 0 };
}
