import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { InfraError, LockedError } from '../domain/errors.js';
import { describeObject } from '../domain/kube-object.js';
import { OWNED } from '../mesh/labels.js';
import type { KubeClient } from './client.js';
import { orUndefined, site } from './errors.js';
import { retryOnConflict } from './retry.js';
import type { HeldLock, LockHolder, RunLock } from '../state/ports.js';
import { describeHolder, instant, isExpired, mayAcquire, renewInterval, type LeaseState } from './lease-math.js';

export const LEASE_NAME = 'ambient-canary';

export interface LeaseLockOptions {
  readonly namespace: string;
  /** How long a claim lasts without renewal; a crashed run frees the lock after this. */
  readonly durationSeconds?: number | undefined;
  /** Defaults to a third of the duration. */
  readonly renewEveryMs?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly name?: string | undefined;
  /** `--force-unlock`: take the lease even from a live holder (that run stops at its next renewal). */
  readonly force?: boolean | undefined;
  /**
   * True when the holder is known to be dead without waiting for expiry (the CLI checks
   * a holder on this very host by its pid), so a killed run's lease is taken over at once.
   */
  readonly holderGone?: ((holder: string) => boolean) | undefined;
  /** Told when we take the lease from a holder that had not released it. */
  readonly onTakeover?: ((previous: LockHolder, why: 'forced' | 'gone') => void) | undefined;
}

const DEFAULT_DURATION_SECONDS = 30;

/**
 * One mutating run at a time, as a coordination.k8s.io Lease. Taking it (fresh, released or
 * expired) is a compare-and-swap on its resourceVersion, so of two racing runs exactly one
 * wins and the other sees LockedError naming the winner.
 */
export class LeaseRunLock implements RunLock {
  private readonly name: string;
  private readonly durationSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly client: KubeClient,
    private readonly o: LeaseLockOptions,
  ) {
    this.name = o.name ?? LEASE_NAME;
    this.durationSeconds = Math.max(1, Math.round(o.durationSeconds ?? DEFAULT_DURATION_SECONDS));
    this.now = o.now ?? Date.now;
  }

  async acquire(holder: string, signal: AbortSignal): Promise<HeldLock> {
    let taken: { previous: LockHolder; why: 'forced' | 'gone' } | undefined;
    const lease = await retryOnConflict(async () => {
      const current = await this.read(signal);
      if (current === undefined) return this.write('create', this.claim(undefined, holder), signal);
      const spec = current.spec ?? {};
      taken = undefined;
      if (!mayAcquire(spec, holder, this.now())) taken = this.takeover(spec);
      return this.write('update', this.claim(current, holder), signal);
    });
    if (taken) this.o.onTakeover?.(taken.previous, taken.why);
    return new Renewal(this, holder, lease, this.o.renewEveryMs ?? renewInterval(this.durationSeconds), this.durationSeconds * 1000, this.now);
  }

  /** A live holder's lease is taken only when it is known dead or the user forces it; else LockedError (exit 4). */
  private takeover(spec: LeaseState): { previous: LockHolder; why: 'forced' | 'gone' } {
    const previous = describeHolder(spec);
    if (this.o.holderGone?.(previous.holder) === true) return { previous, why: 'gone' };
    if (this.o.force === true) return { previous, why: 'forced' };
    throw new LockedError(previous.holder, previous.since, {
      object: this.object(),
      fix: `wait for that run to finish; if it died, the lock frees itself at ${previous.expiresAt ?? 'its expiry'} (or take it now with --force-unlock, which stops that run if it still runs)`,
    });
  }

  async blocker(holder: string, signal: AbortSignal): Promise<LockHolder | undefined> {
    const spec = (await this.read(signal))?.spec;
    if (!spec || mayAcquire(spec, holder, this.now())) return undefined;
    const previous = describeHolder(spec);
    return this.o.holderGone?.(previous.holder) === true || this.o.force === true ? undefined : previous;
  }

  async holder(signal: AbortSignal): Promise<LockHolder | undefined> {
    const spec = (await this.read(signal))?.spec;
    if (!spec?.holderIdentity || isExpired(spec, this.now())) return undefined;
    return describeHolder(spec);
  }

  /** Our claim: a new holder gets a fresh acquireTime and a transition; the same holder just renews. */
  private claim(current: V1Lease | undefined, holder: string): V1Lease {
    const now = new V1MicroTime(this.now());
    const same = current?.spec?.holderIdentity === holder;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.o.namespace, labels: { ...OWNED }, resourceVersion: current?.metadata?.resourceVersion },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: same ? current?.spec?.acquireTime : now,
        renewTime: now,
        leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (current && !same ? 1 : 0),
      },
    };
  }

  /** Renews our claim; `{ takenBy }` when someone else holds it now ('' if nobody does). */
  async renew(holder: string, signal: AbortSignal): Promise<{ lease: V1Lease } | { takenBy: string }> {
    return retryOnConflict(async () => {
      const current = await this.read(signal);
      if (current?.spec?.holderIdentity !== holder) return { takenBy: current?.spec?.holderIdentity ?? '' };
      return { lease: await this.write('update', this.claim(current, holder), signal) };
    });
  }

  /** Clears the holder (only if it is still us), so the next run need not wait for expiry. */
  async release(holder: string, signal: AbortSignal): Promise<void> {
    await retryOnConflict(async () => {
      const current = await this.read(signal);
      if (current?.spec?.holderIdentity !== holder) return;
      const spec = { ...current.spec, holderIdentity: undefined, renewTime: undefined, acquireTime: undefined };
      await this.write('update', { ...current, spec }, signal);
    });
  }

  private read(signal: AbortSignal): Promise<V1Lease | undefined> {
    const { name } = this;
    const { namespace } = this.o;
    return orUndefined(this.client.call(site('get', 'Lease', namespace, name), signal, () => this.client.coordination.readNamespacedLease({ name, namespace })));
  }

  private write(verb: 'create' | 'update', body: V1Lease, signal: AbortSignal): Promise<V1Lease> {
    const { name } = this;
    const { namespace } = this.o;
    const s = site(verb, 'Lease', namespace, name);
    if (verb === 'create') return this.client.call(s, signal, () => this.client.coordination.createNamespacedLease({ namespace, body }));
    return this.client.call(s, signal, () => this.client.coordination.replaceNamespacedLease({ name, namespace, body }));
  }

  object(): string {
    return describeObject('Lease', this.o.namespace, this.name);
  }
}

/**
 * Keeps a held lease alive in the background. A renewal that finds another holder, or no
 * successful renewal for a whole lease duration, aborts `lost`: the run must stop mutating.
 */
class Renewal implements HeldLock {
  private readonly controller = new AbortController();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private lastRenewed: number;
  takenBy: string | undefined;

  constructor(
    private readonly lock: LeaseRunLock,
    private readonly holder: string,
    lease: V1Lease,
    private readonly everyMs: number,
    private readonly durationMs: number,
    private readonly now: () => number,
  ) {
    this.lastRenewed = instant(lease.spec?.renewTime) ?? now();
    this.schedule();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    this.halt();
    if (!this.lost.aborted) await this.lock.release(this.holder, new AbortController().signal);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.everyMs);
    // A forgotten release must not keep the process alive; the lease then simply expires.
    this.timer.unref();
  }

  async verify(): Promise<boolean> {
    if (this.takenBy !== undefined) return false;
    try {
      return await this.renewOnce(new AbortController().signal);
    } catch {
      // Unreadable is not taken: the caller goes on as if nothing happened (the lease may still expire).
      return true;
    }
  }

  /** One renewal; false (and `lost` aborted) when another run holds the lease now. */
  private async renewOnce(signal: AbortSignal): Promise<boolean> {
    const renewed = await this.lock.renew(this.holder, signal);
    if ('takenBy' in renewed) {
      this.takenBy = renewed.takenBy || 'nobody (released by someone else)';
      this.lose(`${this.lock.object()} is now held by another run, ${this.takenBy} (taken with --force-unlock, or after this run missed its renewals)`);
      return false;
    }
    this.lastRenewed = this.now();
    return true;
  }

  private async tick(): Promise<void> {
    // A renewal must not outlive our claim: an apiserver that takes connections but never
    // answers would otherwise hold it for every retry's request timeout (minutes), while
    // another run may take the expired lease and this one goes on mutating.
    const claimEnds = AbortSignal.timeout(Math.max(0, this.lastRenewed + this.durationMs - this.now()));
    try {
      if (!(await this.renewOnce(AbortSignal.any([this.stop.signal, claimEnds])))) return;
    } catch (err) {
      if (this.stop.signal.aborted) return;
      if (claimEnds.aborted || this.now() - this.lastRenewed > this.durationMs) {
        return this.lose(`${this.lock.object()} could not be renewed for ${this.durationMs / 1000}s: ${claimEnds.aborted ? 'no answer from the apiserver' : (err as Error).message}`);
      }
    }
    if (!this.stop.signal.aborted) this.schedule();
  }

  private lose(message: string): void {
    this.halt();
    this.controller.abort(new InfraError(`lost the run lock: ${message}`, { object: this.lock.object(), fix: 'another run may have taken over; check `canary status` before going on' }));
  }

  private halt(): void {
    clearTimeout(this.timer);
    this.stop.abort();
  }
}
