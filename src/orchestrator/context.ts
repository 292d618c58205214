import type { RunConfig } from '../config/types.js';
import type { RunActor, RunRecord } from '../domain/run-record.js';
import type { HelmRunner } from '../helm/ports.js';
import type { ClusterFacts } from '../mesh/cluster-facts.js';
import type { ClusterReader, EventRecorder, NodeOps, WorkloadOps } from '../kube/ports.js';
import type { SmokeTester, StableProbe, StepJudge } from '../load/ports.js';
import type { Plan } from '../plan/build.js';
import type { TrafficRouter } from '../routing/ports.js';
import type { RunLock, RunStore, StoredRun } from '../state/ports.js';

/** Every external system the procedure touches, built by the CLI (or a test). */
export interface Ports {
  readonly reader: ClusterReader;
  readonly nodes: NodeOps;
  readonly workloads: WorkloadOps;
  readonly router: TrafficRouter;
  readonly helm: HelmRunner;
  readonly runs: RunStore;
  readonly lock: RunLock;
  readonly smoke: SmokeTester;
  readonly judge: StepJudge;
  /** Preflight's look at the stable under the load profile, before anything changes. */
  readonly probe: StableProbe;
  /** Kubernetes Events on the HTTPRoute (weights, verdicts, abort, promote); best effort. */
  readonly events: EventRecorder;
  readonly clock: () => Date;
  readonly actor: RunActor;
  /** Who holds the lock while this process runs (host, CI job, pid). */
  readonly holder: string;
}

/** Where a phase says what it is doing (a listr2 task's output, or a test's list). */
export interface Reporter {
  /** A line under the current task: progress, a figure, a command being run. */
  say(line: string): void;
  /** Replace the current task's title (e.g. "Weight 50%: baking, 12 s left"). */
  retitle(title: string): void;
}

export interface RunContext {
  readonly config: RunConfig;
  readonly plan: Plan;
  readonly ports: Ports;
  /** Cancels the procedure (Ctrl-C, a lost lease); revert runs under its own signal. */
  readonly signal: AbortSignal;
  stored: StoredRun;
  facts: ClusterFacts | undefined;
  gatewayUrl: string | undefined;
}

export function record(ctx: RunContext): RunRecord {
  return ctx.stored.record;
}
