import { describe, expect, it } from 'vitest';
import { instant, isExpired, leaseExpiry, mayAcquire, renewInterval } from '../../../src/kube/lease-math.js';

const t0 = Date.parse('2026-03-01T10:00:00Z');

describe('lease expiry', () => {
  const lease = { holderIdentity: 'ci/job-7', leaseDurationSeconds: 30, acquireTime: '2026-03-01T09:00:00.000000Z', renewTime: '2026-03-01T10:00:00.000000Z' };

  it('runs out duration seconds after the last renewal', () => {
    expect(leaseExpiry(lease)).toBe(t0 + 30_000);
    expect(isExpired(lease, t0 + 30_000)).toBe(false);
    expect(isExpired(lease, t0 + 30_001)).toBe(true);
  });

  it('falls back to acquireTime, and treats a claim with no time as void', () => {
    expect(leaseExpiry({ ...lease, renewTime: undefined })).toBe(Date.parse('2026-03-01T09:00:30Z'));
    expect(isExpired({ holderIdentity: 'x', leaseDurationSeconds: 30 }, t0)).toBe(true);
    expect(isExpired({ ...lease, leaseDurationSeconds: undefined }, t0)).toBe(true);
  });

  it('reads MicroTime strings and Dates alike', () => {
    expect(instant('2026-03-01T10:00:00.123456Z')).toBe(t0 + 123);
    expect(instant(new Date(t0))).toBe(t0);
    expect(instant('garbage')).toBeUndefined();
    expect(instant(undefined)).toBeUndefined();
  });
});

describe('mayAcquire', () => {
  const held = { holderIdentity: 'ci/job-7', leaseDurationSeconds: 30, renewTime: new Date(t0).toISOString() };

  it('lets us take a free, released, expired or already-ours lease', () => {
    expect(mayAcquire({}, 'me', t0)).toBe(true);
    expect(mayAcquire({ ...held, holderIdentity: '' }, 'me', t0)).toBe(true);
    expect(mayAcquire(held, 'me', t0 + 31_000)).toBe(true);
    expect(mayAcquire(held, 'ci/job-7', t0)).toBe(true);
  });

  it('refuses a lease another live holder renewed', () => {
    expect(mayAcquire(held, 'me', t0 + 29_000)).toBe(false);
  });
});

describe('renewInterval', () => {
  it('renews three times per duration', () => {
    expect(renewInterval(30)).toBe(10_000);
    expect(renewInterval(1)).toBe(333);
  });
});
