import { ApiException } from '@kubernetes/client-node';
import { ConflictError } from '../domain/conflict.js';
import { abortableSleep } from './poll.js';

/**
 * The one place where Kubernetes calls are retried. Only failures that a later attempt
 * can fix are retried: throttling (429 that is not a PodDisruptionBudget refusal),
 * 500/502/503/504 and broken connections. 409 is never retried here: it is the answer a
 * compare-and-swap caller is waiting for, and only the caller can re-read and decide.
 */
export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** A server asking for more than this still gets only this (a run must not stall on one header). */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, maxMs: 8_000, maxRetryAfterMs: 30_000 };

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Connection failures worth another attempt; TLS and DNS misconfiguration are not. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'REQUEST_TIMEOUT']);

export type Classification = { readonly retry: false } | { readonly retry: true; readonly retryAfterMs: number | undefined; readonly reason: string };

/** The system error code of a connection failure (node-fetch FetchError or a raw Node error), if any. */
export function connectionCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; errno?: unknown; type?: unknown; name?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (e.type === 'system' || typeof e.errno !== 'undefined' || e.code.startsWith('E'))) return e.code;
  if (e.type === 'request-timeout') return 'REQUEST_TIMEOUT';
  return e.cause === undefined || e.cause === err ? undefined : connectionCode(e.cause);
}

/** The metav1.Status an error response carries; some client paths hand it over as unparsed JSON text. */
export interface ApiStatus {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly { readonly reason?: string; readonly message?: string }[] };
}

export function apiStatus(err: ApiException<unknown>): ApiStatus {
  if (typeof err.body === 'string') {
    try {
      const parsed = JSON.parse(err.body) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as ApiStatus) : {};
    } catch {
      return {};
    }
  }
  return typeof err.body === 'object' && err.body !== null ? (err.body as ApiStatus) : {};
}

/** A 429 from the Eviction API means a PodDisruptionBudget said no: waiting for it is the drain's job. */
export function isDisruptionBudgetRefusal(err: unknown): boolean {
  if (!(err instanceof ApiException) || err.code !== 429) return false;
  const status = apiStatus(err);
  return (status.details?.causes ?? []).some((c) => c.reason === 'DisruptionBudget') || (status.message ?? '').includes('disruption budget');
}

export function classify(err: unknown): Classification {
  if (err instanceof ApiException) {
    if (!RETRY_STATUS.has(err.code) || isDisruptionBudgetRefusal(err)) return { retry: false };
    return { retry: true, retryAfterMs: parseRetryAfter(header(err.headers, 'retry-after')), reason: `HTTP ${err.code}` };
  }
  const code = connectionCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code) ? { retry: true, retryAfterMs: undefined, reason: code } : { retry: false };
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names a weekday and month; bare numbers Date.parse would read as years.
  const at = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delay before retry number `retry` (0-based): exponential, capped, with "equal jitter" so
 * the delay stays within [half, full] of the exponential step and clients spread out.
 * A server's Retry-After wins over our own guess, within `maxRetryAfterMs`.
 */
export function backoffMs(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(step / 2 + (step / 2) * random());
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly signal: AbortSignal;
  /** What is being attempted, for the retry message (`patch Node worker-1`). */
  readonly what: string;
  readonly onRetry?: ((message: string) => void) | undefined;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export async function withRetry<T>(attempt: () => Promise<T>, o: RetryOptions): Promise<T> {
  const sleep = o.sleep ?? abortableSleep;
  for (let n = 1; ; n++) {
    o.signal.throwIfAborted();
    try {
      return await attempt();
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason;
      const c = classify(err);
      if (!c.retry || n >= o.policy.attempts) throw err;
      const delay = backoffMs(n - 1, o.policy, c.retryAfterMs, o.random);
      o.onRetry?.(`${o.what}: ${c.reason}, retrying in ${(delay / 1000).toFixed(1)}s (attempt ${n + 1} of ${o.policy.attempts})`);
      await sleep(delay, o.signal);
    }
  }
}

/**
 * Read-decide-write loops over compare-and-swap: on a ConflictError (someone wrote in
 * between) run the whole loop again from a fresh read, a bounded number of times.
 */
export async function retryOnConflict<T>(loop: () => Promise<T>, attempts = 5): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await loop();
    } catch (err) {
      if (!(err instanceof ConflictError) || n >= attempts) throw err;
    }
  }
}
