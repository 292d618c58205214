/** Pure Lease arithmetic: when a holder's claim runs out, and what a renewal writes. */

export interface LeaseState {
  readonly holderIdentity?: string | undefined;
  readonly leaseDurationSeconds?: number | undefined;
  readonly acquireTime?: unknown;
  readonly renewTime?: unknown;
}

/** Lease times come back as strings (MicroTime is not a model type) or Dates; both mean an instant. */
export function instant(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Expired when renewTime (or acquireTime) + duration lies in the past; a claim with no time at all is void. */
export function leaseExpiry(lease: LeaseState): number | undefined {
  const at = instant(lease.renewTime) ?? instant(lease.acquireTime);
  if (at === undefined || lease.leaseDurationSeconds === undefined) return undefined;
  return at + lease.leaseDurationSeconds * 1000;
}

export function isExpired(lease: LeaseState, now: number): boolean {
  const expiry = leaseExpiry(lease);
  return expiry === undefined || expiry < now;
}

/** Who may take the lease: nobody holds it, we do already (a resumed process), or the holder stopped renewing. */
export function mayAcquire(lease: LeaseState, holder: string, now: number): boolean {
  const current = lease.holderIdentity ?? '';
  return current === '' || current === holder || isExpired(lease, now);
}

/** Renew often enough that two missed renewals still leave the claim alive. */
export function renewInterval(durationSeconds: number): number {
  return Math.max(100, Math.floor((durationSeconds * 1000) / 3));
}

/** A claim as people read it: who, since when, last renewed, until when. */
export function describeHolder(lease: LeaseState): { holder: string; since: string | undefined; renewedAt: string | undefined; expiresAt: string | undefined } {
  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
  return { holder: lease.holderIdentity || 'unknown', since: iso(instant(lease.acquireTime)), renewedAt: iso(instant(lease.renewTime)), expiresAt: iso(leaseExpiry(lease)) };
}
