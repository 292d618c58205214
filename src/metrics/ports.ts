import type { MetricsSourceName } from '../config/metrics.js';
import type { WindowRecord } from '../domain/run-record.js';
import type { WeightPair } from '../domain/weights.js';
import type { Reading } from '../slo/readings.js';
import type { TickCounts } from '../slo/evidence.js';
import type { WindowStats } from '../slo/window.js';

/**
 * Where the evidence of a weight step comes from. A source only gathers samples; `slo/`
 * judges them (`decide` for load windows, `decideReadings` for store readings) and
 * `slo/sources` combines the verdicts. Implementations: `load/load-source.ts` (autocannon
 * through the gateway, per-revision windows) and `metrics/prometheus-source.ts` (Istio's
 * standard metrics in Prometheus, per revision namespace).
 */
export type SourceName = MetricsSourceName;

/** One weight step, as every source is told of it. */
export interface StepObservation {
  /** The Gateway's URL (where load goes). */
  readonly url: string;
  readonly weights: WeightPair;
  readonly bakeMs: number;
  readonly revisions: { readonly stable: string; readonly canary: string };
}

/** Everything a source has of the step so far (cumulative: the latest sample supersedes the others). */
export type Sample =
  | {
      readonly kind: 'windows';
      readonly windows: readonly WindowStats[];
      /** The same load as 100 ms slices of counts, for the mesh judge's tests between windows (load source only). */
      readonly ticks?: readonly TickCounts[] | undefined;
      /** No more windows will come (the load reached its cap, or failed). */
      readonly ended: boolean;
      /** Why the source could not observe (autocannon failed, no URL): the step is an error. */
      readonly failure?: string | undefined;
    }
  | { readonly kind: 'readings'; readonly readings: readonly Reading[]; readonly ended: boolean };

export interface MetricsSource {
  readonly name: SourceName;
  /** Starts observing one step; `signal` is the run's interrupt, which every session honours. */
  open(step: StepObservation, signal: AbortSignal): SourceSession;
}

/** One step's observation by one source. */
export interface SourceSession {
  /** Resolves with the sample once there is something new (a window closed, a reading taken); rejects on interrupt. */
  next(): Promise<Sample>;
  /**
   * Ends the observation: `drain` lets in-flight work finish (the step passed), `abort` drops
   * it at once (traffic is about to be reverted). Resolves with the step's windows as the
   * run record keeps them. A pending `next` then resolves with an ended sample.
   */
  close(how: 'drain' | 'abort'): Promise<readonly WindowRecord[]>;
}
