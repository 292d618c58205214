import type { RunRecord } from '../domain/run-record.js';

/** A run record with the version it was read at, for compare-and-swap. */
export interface StoredRun {
  readonly record: RunRecord;
  readonly version: string;
}

/** The run record in the cluster (a ConfigMap), written with compare-and-swap. */
export interface RunStore {
  load(id: string, signal: AbortSignal): Promise<StoredRun | undefined>;
  /** The newest run, running first: what `status`, `step` and `abort` act on by default. */
  latest(signal: AbortSignal): Promise<StoredRun | undefined>;
  create(record: RunRecord, signal: AbortSignal): Promise<StoredRun>;
  /** ConflictError when someone else wrote since `stored` was read. */
  save(stored: StoredRun, record: RunRecord, signal: AbortSignal): Promise<StoredRun>;
}

export interface HeldLock {
  /** Aborts when the lease is lost (renewal failed past its duration). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** A coordination.k8s.io Lease: one mutating run at a time. */
export interface RunLock {
  /** LockedError (exit 4) naming the holder while another live run holds it. */
  acquire(holder: string, signal: AbortSignal): Promise<HeldLock>;
}
