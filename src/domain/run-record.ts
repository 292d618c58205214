import type { Outcome, Phase } from './phase.js';
import type { Verdict } from './verdict.js';
import type { WeightPair } from './weights.js';

/**
 * The run as the cluster remembers it (a ConfigMap), so another process can resume,
 * step, inspect or abort it. Versioned: readers refuse a schema they do not know.
 */
export const RUN_RECORD_SCHEMA = 1;

export interface CanaryNodeRecord {
  readonly name: string;
  /** The node label's value before we changed it (null: the node had none). */
  readonly priorLabel: string | null;
}

export interface WindowRecord {
  readonly start: string;
  readonly end: string;
  readonly figures: Readonly<Record<string, number>>;
}

export interface StepRecord {
  readonly weight: number;
  readonly startedAt: string;
  endedAt?: string;
  verdict?: Verdict;
  windows?: WindowRecord[];
}

export interface RunEvent {
  readonly at: string;
  readonly message: string;
}

export interface RunRecord {
  readonly schema: typeof RUN_RECORD_SCHEMA;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly revisions: { readonly stable: string; readonly canary: string };
  /** The last phase that completed; undefined before preflight passed. */
  phase: Phase | undefined;
  outcome: Outcome;
  /** The canary weights this run steps through, fixed when it starts. */
  readonly schedule: readonly number[];
  /** The canary weight the route was last verified at. */
  weight: number;
  canaryNodes: CanaryNodeRecord[];
  /** The stable backendRefs' weights before the run, restored on revert. */
  originalWeights: Record<string, number | null> | undefined;
  /** Nodes moved to the new revision during promote (so a resumed promote skips them). */
  promotedNodes: string[];
  steps: StepRecord[];
  events: RunEvent[];
  readonly startedAt: string;
  updatedAt: string;
  readonly actor: { readonly host: string; readonly ciJob: string | undefined };
  /** Why it ended, when it ended badly. */
  reason: string | undefined;
}

/** The most recent events are kept; older ones are dropped so the ConfigMap stays small. */
export const MAX_EVENTS = 200;

export function currentWeights(record: RunRecord): WeightPair {
  return { stable: 100 - record.weight, canary: record.weight };
}
