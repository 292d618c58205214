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
  /** Aborts when the lease is lost (renewal failed past its duration, or another run took it). */
  readonly lost: AbortSignal;
  /**
   * Who took the lease from us (`--force-unlock` elsewhere), once someone has: that run now
   * owns the cluster, so this one must stop without touching it, not even to revert.
   */
  readonly takenBy: string | undefined;
  /**
   * Renews now and says whether we still hold the lease (false: another run took it, and
   * `takenBy` names it). Asked before a revert, so a run whose lock was taken with
   * --force-unlock does not fight the run that took it.
   */
  verify(): Promise<boolean>;
  release(): Promise<void>;
}

/** Who holds the lock, as `canary status` and LockedError show it. */
export interface LockHolder {
  readonly holder: string;
  readonly since: string | undefined;
  readonly renewedAt: string | undefined;
  /** When the claim runs out unless renewed: after that anyone may take it. */
  readonly expiresAt: string | undefined;
}

/** A coordination.k8s.io Lease: one mutating run at a time. */
export interface RunLock {
  /** LockedError (exit 4) naming the holder while another live run holds it. */
  acquire(holder: string, signal: AbortSignal): Promise<HeldLock>;
  /** The live holder, if any; undefined when the lock is free or its claim ran out. */
  holder(signal: AbortSignal): Promise<LockHolder | undefined>;
  /**
   * Who would make `acquire(holder)` fail right now, without writing anything: undefined
   * when the lock is free, expired, ours, held by a run known to be gone, or forced.
   * Preflight asks this, so bad input never writes even the Lease.
   */
  blocker(holder: string, signal: AbortSignal): Promise<LockHolder | undefined>;
}
