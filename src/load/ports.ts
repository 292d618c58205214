import type { HeaderMatch } from '../config/types.js';
import type { WindowRecord } from '../domain/run-record.js';
import type { Verdict } from '../domain/verdict.js';
import type { Evidence } from '../slo/evidence.js';
import type { WeightPair } from '../domain/weights.js';
import type { StableMeasurement } from '../mesh/preflight/stable-slo.js';

export interface SmokeRequest {
  readonly url: string;
  readonly path: string;
  readonly header: HeaderMatch;
  readonly requests: number;
  /** Every response must name this revision in the revision header. */
  readonly expectRevision: string;
}

export interface SmokeResult {
  readonly sent: number;
  readonly succeeded: number;
  /** One line per distinct failure, with its count. */
  readonly failures: readonly string[];
}

export interface SmokeTester {
  smoke(request: SmokeRequest, signal: AbortSignal): Promise<SmokeResult>;
}

export interface BakeRequest {
  readonly url: string;
  readonly weights: WeightPair;
  readonly bakeMs: number;
  readonly revisions: { readonly stable: string; readonly canary: string };
  /** The run's evidence so far (mesh policy; from the run record), undefined for a run's first step. */
  readonly evidence?: Evidence | undefined;
  /** An earlier step of the run was held and the user went on: the application's own failures are accepted. */
  readonly heldAccepted?: boolean | undefined;
}

export interface BakeResult {
  readonly verdict: Verdict;
  readonly windows: readonly WindowRecord[];
  /** The run's evidence after this step (mesh policy), for the run record. */
  readonly evidence?: Evidence | undefined;
}

/** Drives load through the gateway for one weight step and judges it, window by window. */
export interface StepJudge {
  bake(request: BakeRequest, signal: AbortSignal): Promise<BakeResult>;
}

export interface StableProbeRequest {
  /** The Gateway's URL; a load profile with a target sends there instead, as the steps do. */
  readonly url: string;
  readonly revisions: { readonly stable: string; readonly canary: string };
  readonly durationMs: number;
}

/**
 * Preflight's look at the stable revision (issue 15): the load profile through the gateway
 * for a few seconds before anything changes, cut into windows like a step's, every response
 * without the revision header counted for the stable (the route sends it everything).
 */
export interface StableProbe {
  measure(request: StableProbeRequest, signal: AbortSignal): Promise<StableMeasurement>;
}
