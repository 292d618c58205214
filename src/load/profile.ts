import type { Problem } from '../domain/errors.js';
import { parseDuration } from '../config/duration.js';
import { hasCredentials } from '../domain/url-credentials.js';

/** How to load the gateway while a weight step bakes (a `loadtests/*.yaml` file). */
export interface LoadProfile {
  /** Where to send load; undefined: the Gateway's URL (`--gateway-url`, or its status address). */
  readonly target: string | undefined;
  readonly paths: readonly WeightedPath[];
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  /** Requests per second over all connections, or 'open': as fast as the connections go. */
  readonly rate: number | 'open';
  /** How long the profile runs on its own (benchmarks); a weight step bakes for `steps.bake`. */
  readonly durationMs: number;
  /** A request with no response after this long counts as a timeout. */
  readonly timeoutMs: number;
}

export interface WeightedPath {
  readonly path: string;
  readonly weight: number;
}

const KEYS = ['target', 'paths', 'headers', 'connections', 'rate', 'duration', 'timeout'] as const;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Headers the load generator writes itself; a profile setting them would corrupt the request. */
const RESERVED_HEADERS = new Set(['connection', 'content-length', 'transfer-encoding']);

/**
 * A parsed profile document -> a LoadProfile, or every problem with its field path. Unknown
 * keys are refused, so a typo (`conections`) never silently falls back to a default.
 */
export function parseProfile(doc: unknown): { profile: LoadProfile | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (path: string, message: string): void => void problems.push({ path, message });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    bad('(document)', 'expects a mapping of profile settings (paths, connections, rate, ...)');
    return { profile: undefined, problems };
  }
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(KEYS as readonly string[]).includes(key)) bad(key, `unknown key; the keys are ${KEYS.join(', ')}`);
  }
  const profile: LoadProfile = {
    target: target(raw['target'], bad),
    paths: paths(raw['paths'], bad),
    headers: headers(raw['headers'], bad),
    connections: wholeNumber(raw['connections'], 'connections', 1, 1000, 16, bad),
    rate: rate(raw['rate'], bad),
    durationMs: duration(raw['duration'], 'duration', 1000, 60_000, bad),
    timeoutMs: duration(raw['timeout'], 'timeout', 2000, 2000, bad),
  };
  if (typeof profile.rate === 'number' && profile.rate < profile.connections) {
    bad('rate', `${profile.rate} requests per second cannot keep ${profile.connections} connections busy: lower connections or raise rate`);
  }
  return { profile: problems.length === 0 ? profile : undefined, problems };
}

function target(raw: unknown, bad: (p: string, m: string) => void): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && /^https?:\/\/[^/\s]+/.test(raw)) {
    try {
      const url = new URL(raw);
      // The load generator drops them, and messages would show them: never echoed.
      if (hasCredentials(raw)) {
        bad('target', 'carries credentials (user:password@), which the load generator does not send: give the URL without them, and an Authorization header under headers');
        return undefined;
      }
      return url.href;
    } catch {
      // fall through to the problem below
    }
  }
  bad('target', `expects an http:// or https:// URL (or nothing, to use the Gateway's), got ${show(raw)}`);
  return undefined;
}

function paths(raw: unknown, bad: (p: string, m: string) => void): WeightedPath[] {
  if (raw === undefined) return [{ path: '/', weight: 1 }];
  if (!Array.isArray(raw) || raw.length === 0) {
    bad('paths', 'expects a list of paths, each `/x` or `{ path: /x, weight: 3 }`');
    return [];
  }
  return raw.flatMap((item, i): WeightedPath[] => {
    const entry = typeof item === 'string' ? { path: item, weight: 1 } : item;
    if (typeof entry !== 'object' || entry === null) {
      bad(`paths[${i}]`, `expects /path or { path, weight }, got ${show(item)}`);
      return [];
    }
    const { path, weight = 1, ...rest } = entry as Record<string, unknown>;
    for (const key of Object.keys(rest)) bad(`paths[${i}].${key}`, 'unknown key; a path has path and weight');
    if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) bad(`paths[${i}].path`, `expects a path starting with / and without spaces, got ${show(path)}`);
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 1000) bad(`paths[${i}].weight`, `expects a whole number from 1 to 1000, got ${show(weight)}`);
    return [{ path: String(path), weight: Number(weight) }];
  });
}

function headers(raw: unknown, bad: (p: string, m: string) => void): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('headers', 'expects a mapping of header name to value');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!HEADER_NAME.test(name)) bad(`headers.${name}`, 'is not a valid header name');
    else if (RESERVED_HEADERS.has(name.toLowerCase())) bad(`headers.${name}`, 'is set by the load generator itself');
    else if (typeof value !== 'string' && typeof value !== 'number') bad(`headers.${name}`, `expects a text value, got ${show(value)}`);
    else if (/[\r\n]/.test(String(value))) bad(`headers.${name}`, 'must not contain line breaks');
    else out[name] = String(value);
  }
  return out;
}

function wholeNumber(raw: unknown, path: string, min: number, max: number, fallback: number, bad: (p: string, m: string) => void): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    bad(path, `expects a whole number from ${min} to ${max}, got ${show(raw)}`);
    return fallback;
  }
  return raw;
}

function rate(raw: unknown, bad: (p: string, m: string) => void): number | 'open' {
  if (raw === undefined || raw === 'open') return raw === 'open' ? 'open' : 500;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 1_000_000) {
    bad('rate', `expects requests per second (a whole number from 1 to 1000000) or open, got ${show(raw)}`);
    return 500;
  }
  return raw;
}

/**
 * Durations as in canary.yaml (`2s`, `500ms`). The timeout has a floor of 2 s: autocannon
 * paces a fixed rate per second, so a connection may sit idle for up to 1 s between
 * requests, and a shorter timeout would count that idle time as a timeout.
 */
function duration(raw: unknown, path: string, min: number, fallback: number, bad: (p: string, m: string) => void): number {
  if (raw === undefined) return fallback;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined) bad(path, `expects a duration such as 2s or 1m (with a unit), got ${show(raw)}`);
  else if (ms < min) bad(path, `must be at least ${min / 1000}s, got ${show(raw)}`);
  return ms ?? fallback;
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return `"${raw}"`;
  return JSON.stringify(raw) ?? String(raw);
}
