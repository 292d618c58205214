import type { Evidence } from './evidence.js';
import type { Outcome, Phase } from './phase.js';
import type { Verdict } from './verdict.js';
import type { WeightPair } from './weights.js';

/**
 * The run as the cluster remembers it (a ConfigMap), so another process can resume,
 * step, inspect or abort it. Versioned: readers refuse a schema they do not know.
 * Fields added later are optional (`by`, `endedAt`, `actor.ciUrl`, `baseline`), so schema 1 records
 * written before them still read, and older readers ignore them: no bump was needed.
 * docs/run-record.md describes every field.
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
  /** Who ran this step (the lock holder: host, CI job, pid): steps of one run come from many CI jobs. */
  readonly by?: string;
  endedAt?: string;
  verdict?: Verdict;
  windows?: WindowRecord[];
}

export interface RunEvent {
  readonly at: string;
  readonly message: string;
  /** The process that did it (the lock holder); absent in records written before 0.1.0 added it. */
  readonly by?: string;
}

/** Who started a run: where it ran, and the CI job (with a link to it) when there was one. */
export interface RunActor {
  readonly host: string;
  readonly ciJob: string | undefined;
  /** A link to the CI job's page (GitHub Actions run, GitLab job), for reports. */
  readonly ciUrl?: string | undefined;
}

/**
 * The stable revision as preflight measured it under the load profile, before the run changed
 * anything (issue 15): what production served then, against the SLO of the run. Written once,
 * when the run starts; a resumed run keeps it.
 */
export interface BaselineRecord {
  /** Requests counted for the stable: its responses, timeouts and connection errors. */
  readonly requests: number;
  /** Of those, not 2xx, timed out or refused. */
  readonly errors: number;
  /** (requests - errors) / requests, a fraction. */
  readonly successRate: number;
  /** The p99 latency of its responses in ms (the histogram bucket's upper bound). */
  readonly p99Ms: number;
  /** How long the load ran. */
  readonly durationMs: number;
  readonly measuredAt: string;
  /** The SLO it was measured against, so a report can say "out of budget" without the run's settings. */
  readonly objective: { readonly successRate: number; readonly p99Ms: number };
}

/** The copy as the workloads phase made it. */
export interface CopyRecord {
  readonly copied: readonly string[];
  readonly accepted: readonly string[];
  readonly rewrites: readonly string[];
  readonly mentions: readonly string[];
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
  /** The weights before the run of the stable backendRefs and the other backendRefs of their rules, restored on revert. */
  originalWeights: Record<string, number | null> | undefined;
  /** Nodes moved to the new revision during promote (so a resumed promote skips them). */
  promotedNodes: string[];
  steps: StepRecord[];
  events: RunEvent[];
  readonly startedAt: string;
  updatedAt: string;
  readonly actor: RunActor;
  /** Why it ended, when it ended badly. */
  reason: string | undefined;
  /** When the outcome left `running` (promoted, reverted, ...). */
  endedAt?: string | undefined;
  /**
   * Promote's helm upgrade of istio-base (a release the run did not install), noted before it
   * runs with the release revision it starts from: a helm killed mid-way leaves the release
   * pending-upgrade at the next revision, which a resumed promote then knows to be its own.
   */
  baseUpgrade?: { readonly release: string; readonly namespace: string; readonly revision: number } | undefined;
  /**
   * The mesh policy's evidence over every step so far (slo/evidence.ts): its tests are
   * anytime-valid over the whole run only if a resumed run goes on from here, not from zero.
   */
  evidence?: Evidence | undefined;
  /** What the canary copy wrote, rewrote and left out (plan/copy-plan.ts): names only, never a Secret's values. */
  copy?: CopyRecord | undefined;
  /** The stable measured in preflight (`preflight.probe`); absent when the probe was off, inconclusive, or the run predates it. */
  baseline?: BaselineRecord | undefined;
}

/** The most recent events are kept; older ones are dropped so the ConfigMap stays small. */
export const MAX_EVENTS = 200;

/**
 * Judged windows the record keeps across all its steps. A window is ~740 bytes of the
 * record's indented JSON and a ConfigMap holds at most 1 MiB, so long bakes at a short
 * window (30 min at 1 s is 1,800 windows a step) would make the record unwritable in the
 * middle of a run; 900 windows leave room for the events and the rest.
 */
export const WINDOW_BUDGET = 900;

/**
 * The windows a step keeps: all of them when they fit its share of WINDOW_BUDGET, otherwise
 * evenly spaced ones, first and last included, so a report still plots the whole bake.
 * The verdict is decided on every window before this; only the record is thinned.
 */
export function keptWindows(windows: readonly WindowRecord[], steps: number): WindowRecord[] {
  const limit = Math.max(2, Math.floor(WINDOW_BUDGET / Math.max(1, steps)));
  if (windows.length <= limit) return [...windows];
  const last = windows.length - 1;
  return Array.from({ length: limit }, (_, i) => windows[Math.round((i * last) / (limit - 1))] as WindowRecord);
}

export function currentWeights(record: RunRecord): WeightPair {
  return { stable: 100 - record.weight, canary: record.weight };
}

/**
 * The weight the run has passed a verdict at. A process killed during a bake leaves the
 * route at the new weight with a step that has no verdict: that step is baked again, never
 * counted as passed, so resuming (or `canary step`) cannot skip its judgement.
 */
export function judgedWeight(record: RunRecord): number {
  const last = record.steps.at(-1);
  // A held step was judged too: the user who goes on (`canary step`) has accepted it.
  if (record.weight === 0 || !last || last.weight !== record.weight || last.verdict?.kind === 'pass' || last.verdict?.kind === 'held') return record.weight;
  const below = record.schedule.filter((w) => w < record.weight);
  return below.at(-1) ?? 0;
}
