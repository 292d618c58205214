import type { WindowRecord } from '../domain/run-record.js';
import type { MetricsSource, Sample, SourceSession, StepObservation } from '../metrics/ports.js';
import { maxBakeMs, type SloSpec } from '../slo/spec.js';
import type { TickCounts } from '../slo/evidence.js';
import { windowFigures, type WindowStats } from '../slo/window.js';
import { startLoad, type LoadHandle, type LoadOutcome, type LoadPlan } from './autocannon-load.js';
import type { LoadProfile } from './profile.js';

/** Starts the load of one step; a test may swap in another starter with the same contract. */
export type LoadStarter = (plan: LoadPlan, signal: AbortSignal) => LoadHandle;

/**
 * The built-in source: autocannon load through the gateway for the step, cut into windows
 * per revision by the route's revision header. It runs until closed (or its cap: settling,
 * the bake and its extension, plus two windows), so a step judged by several sources keeps
 * its load while the others make up their minds.
 */
export class LoadSource implements MetricsSource {
  readonly name = 'load' as const;

  constructor(
    private readonly slo: SloSpec,
    private readonly profile: LoadProfile,
    private readonly start: LoadStarter = startLoad,
  ) {}

  open(step: StepObservation, signal: AbortSignal): SourceSession {
    const url = this.profile.target ?? step.url;
    if (!url) return new FailedSession('no URL to send load to: give --gateway-url, or a target in the load profile');
    return new LoadObservation((listen) => this.start(this.plan(url, step, listen), signal), url);
  }

  private plan(url: string, step: StepObservation, { onWindow, onTick }: Listeners): LoadPlan {
    const capMs = maxBakeMs(this.slo, step.bakeMs) + 2 * this.slo.windowMs;
    return { url, profile: this.profile, revisions: step.revisions, windowMs: this.slo.windowMs, p99Ms: this.slo.p99Ms, capMs, onWindow, onTick };
  }
}

type Listeners = Pick<LoadPlan, 'onWindow' | 'onTick'>;

/** One step's load: windows as they close (and ticks between them), handed to whoever waits in `next`. */
class LoadObservation implements SourceSession {
  private readonly handle: LoadHandle;
  private latest: Sample | undefined;
  private seen: Sample | undefined;
  private waiting: { resolve: (s: Sample) => void; reject: (e: unknown) => void } | undefined;
  private error: unknown;
  private closing = false;
  private windows: readonly WindowStats[] = [];
  private ticks: readonly TickCounts[] = [];

  constructor(
    start: (listen: Listeners) => LoadHandle,
    private readonly url: string,
  ) {
    // The judge decides after the window, asynchronously: the load goes on until `close`.
    this.handle = start({
      onWindow: (windows, last) => {
        this.windows = [...windows];
        this.offer({ kind: 'windows', windows: this.windows, ticks: this.ticks, ended: last });
        return 'continue';
      },
      onTick: (ticks) => {
        this.ticks = [...ticks];
        this.offer({ kind: 'windows', windows: this.windows, ticks: this.ticks, ended: false });
      },
    });
    this.handle.outcome.then(
      (outcome) => this.offer({ kind: 'windows', windows: outcome.windows, ticks: this.ticks, ended: true, failure: this.failure(outcome) }),
      (error: unknown) => this.fail(error),
    );
  }

  next(): Promise<Sample> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.latest && this.latest !== this.seen) return Promise.resolve((this.seen = this.latest));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async close(how: 'drain' | 'abort'): Promise<readonly WindowRecord[]> {
    this.closing = true;
    this.handle.end(how);
    const outcome = await this.handle.outcome.catch(() => undefined);
    // An abort between windows keeps the partial window it cut short: the report plots the failure.
    const tail = how === 'abort' && outcome?.tail && outcome.tail.canary.requests + outcome.tail.stable.requests > 0 ? [outcome.tail] : [];
    return [...(outcome?.windows ?? []), ...tail].map(toRecord);
  }

  /** The load ended by itself before a verdict: its own failure, or that it stopped early. */
  private failure(outcome: LoadOutcome): string | undefined {
    if (this.closing || (this.latest?.ended ?? false)) return undefined;
    return `${outcome.failure ?? 'the load generator stopped before the judge did'} (target ${this.url})`;
  }

  private offer(sample: Sample): void {
    if (this.latest?.ended) return;
    this.latest = sample;
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w.resolve((this.seen = sample));
  }

  private fail(error: unknown): void {
    this.error = error;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(error);
  }
}

/** A source that cannot observe this step at all: its one sample says why. */
class FailedSession implements SourceSession {
  constructor(private readonly why: string) {}

  next(): Promise<Sample> {
    return Promise.resolve({ kind: 'windows', windows: [], ended: true, failure: this.why });
  }

  close(): Promise<readonly WindowRecord[]> {
    return Promise.resolve([]);
  }
}

export function toRecord(w: WindowStats): WindowRecord {
  return { start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString(), figures: windowFigures(w) };
}
