import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/conflict.js';
import { backoffMs, classify, DEFAULT_RETRY, parseRetryAfter, retryOnConflict, withRetry } from '../../../src/kube/retry.js';

const api = (code: number, headers: Record<string, string> = {}, body: unknown = {}) => new ApiException(code, 'x', body, headers);
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { type: 'system', code: 'ECONNREFUSED', errno: 'ECONNREFUSED' });

describe('classify', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (code) => {
    expect(classify(api(code)).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])('does not retry HTTP %i', (code) => {
    expect(classify(api(code)).retry).toBe(false);
  });

  it('retries refused and reset connections, not TLS failures', () => {
    expect(classify(refused).retry).toBe(true);
    expect(classify(Object.assign(new Error('reset'), { type: 'system', code: 'ECONNRESET' })).retry).toBe(true);
    expect(classify(Object.assign(new Error('self-signed'), { type: 'system', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).retry).toBe(false);
  });

  it('leaves a PodDisruptionBudget refusal to the drain', () => {
    const pdb = api(429, {}, { reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] } });
    expect(classify(pdb).retry).toBe(false);
  });

  it('carries Retry-After from the response', () => {
    expect(classify(api(429, { 'Retry-After': '3' }))).toEqual({ retry: true, retryAfterMs: 3000, reason: 'HTTP 429' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 7 ')).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('backoffMs', () => {
  const policy = { attempts: 10, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };

  it('grows exponentially within [half, full] of each step and never passes the cap', () => {
    for (let retry = 0; retry < 10; retry++) {
      const step = Math.min(1000, 100 * 2 ** retry);
      expect(backoffMs(retry, policy, undefined, () => 0)).toBe(step / 2);
      expect(backoffMs(retry, policy, undefined, () => 0.999999)).toBeLessThanOrEqual(step);
      expect(backoffMs(retry, policy, undefined, () => 0.999999)).toBeGreaterThan(step / 2);
    }
  });

  it('obeys Retry-After up to its own bound', () => {
    expect(backoffMs(0, policy, 2500)).toBe(2500);
    expect(backoffMs(0, policy, 60_000)).toBe(5000);
  });
});

describe('withRetry', () => {
  const noSleep = async (): Promise<void> => {};
  const signal = new AbortController().signal;

  it('retries transient failures and reports each retry', async () => {
    const failures = [api(503), refused];
    const messages: string[] = [];
    const result = await withRetry(
      async () => {
        const next = failures.shift();
        if (next) throw next;
        return 'ok';
      },
      { policy: DEFAULT_RETRY, signal, what: 'get Node n1', onRetry: (m) => messages.push(m), sleep: noSleep },
    );
    expect(result).toBe('ok');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^get Node n1: HTTP 503, retrying in [\d.]+s \(attempt 2 of 5\)$/);
    expect(messages[1]).toContain('ECONNREFUSED');
  });

  it('gives up after the bounded number of attempts', async () => {
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        throw api(500);
      },
      { policy: { ...DEFAULT_RETRY, attempts: 3 }, signal, what: 'x', sleep: noSleep },
    );
    await expect(run).rejects.toBeInstanceOf(ApiException);
    expect(calls).toBe(3);
  });

  it('never retries a conflict', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw api(409);
        },
        { policy: DEFAULT_RETRY, signal, what: 'x', sleep: noSleep },
      ),
    ).rejects.toBeInstanceOf(ApiException);
    expect(calls).toBe(1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const run = withRetry(
      async () => {
        throw api(503);
      },
      { policy: { ...DEFAULT_RETRY, baseMs: 60_000, maxMs: 60_000 }, signal: controller.signal, what: 'x' },
    );
    setImmediate(() => controller.abort(reason));
    await expect(run).rejects.toBe(reason);
  });
});

describe('retryOnConflict', () => {
  it('runs the read-decide-write loop again after a conflict, a bounded number of times', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        if (calls < 3) throw new ConflictError('stale');
        return calls;
      }),
    ).resolves.toBe(3);
    calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw new ConflictError('stale');
      }, 4),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toBe(4);
  });
});
