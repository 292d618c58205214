import { parseRevision, type Revision } from '../domain/revision.js';
import { parseDuration } from './duration.js';
import type { KeySpec } from './keys.js';
import type { HeaderMatch, ObjectRef, OutputFormat } from './types.js';

/** A converted value, or the sentence that says what to write instead. */
export type Converted<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const bad = (message: string): Converted<never> => ({ ok: false, message });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function convert(spec: KeySpec, raw: unknown): Converted<unknown> {
  switch (spec.kind) {
    case 'string':
      return typeof raw === 'string' && raw.trim() !== '' ? ok(raw.trim()) : bad('expects a non-empty text');
    case 'boolean':
      return typeof raw === 'boolean' ? ok(raw) : bad(`expects true or false, got ${show(raw)}`);
    case 'integer':
      return integer(spec, raw);
    case 'duration':
      return duration(spec, raw);
    case 'revision':
      return revision(raw);
    case 'weights':
      return weights(raw);
    case 'list':
      return list(raw);
    case 'output':
      return output(raw);
    case 'ref':
      return ref(raw);
    case 'header':
      return header(raw);
    case 'percent':
      return percent(raw);
    case 'ratio':
      return ratio(raw);
  }
}

function decimal(raw: unknown): number | undefined {
  const text = typeof raw === 'string' ? raw.trim().replace(/%$/, '') : undefined;
  const n = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A success-rate objective: 99.5 (or "99.5%"), strictly between 0 and 100. */
function percent(raw: unknown): Converted<number> {
  const n = decimal(raw);
  if (n === undefined) return bad(`expects a percentage such as 99.5, got ${show(raw)}`);
  // resolve.ts keeps the objective as a fraction rounded to 10 decimals: 99.99999999995 would become 1.
  if (n >= 100 || Number((n / 100).toFixed(10)) >= 1) return bad(`${n} leaves no error budget, so any single error would abort: write for example 99.9`);
  if (n <= 0) return bad(`must be above 0, got ${show(raw)}: write for example 99.5`);
  return ok(n);
}

/** A bound on a ratio such as canary p99 / stable p99: above 1 (1 would fail a canary equal to stable by noise). */
function ratio(raw: unknown): Converted<number> {
  const n = decimal(raw);
  if (n === undefined) return bad(`expects a number such as 1.5, got ${show(raw)}`);
  if (n <= 1 || n > 100) return bad(`must be above 1 and at most 100, got ${show(raw)}: write for example 1.5`);
  return ok(n);
}

function integer(spec: KeySpec, raw: unknown): Converted<number> {
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) return bad(`expects a whole number, got ${show(raw)}`);
  return inRange(spec, n, String(n));
}

function duration(spec: KeySpec, raw: unknown): Converted<number> {
  // `probe: 0` in YAML is a number, `--stable-probe 0` a string: both plainly mean off.
  if (spec.zeroTurnsOff && (raw === 0 || (typeof raw === 'string' && (raw.trim() === '0' || parseDuration(raw) === 0)))) return ok(0);
  if (typeof raw === 'number') return bad(`needs a unit: write ${raw}s or ${raw}m`);
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined) return bad(`expects a duration such as 30s, 5m or 1h30m, got ${show(raw)}`);
  if (ms === 0) return bad('must be longer than 0 (write for example 30s)');
  return inRange(spec, ms, String(raw));
}

function inRange(spec: KeySpec, n: number, shown: string): Converted<number> {
  if (spec.min !== undefined && n < spec.min) return bad(`must be at least ${spec.kind === 'duration' ? `${spec.min}ms` : spec.min}${spec.zeroTurnsOff ? ' (or 0 to turn it off)' : ''}, got ${shown}`);
  if (spec.max !== undefined && n > spec.max) return bad(`must be at most ${spec.max}, got ${shown}`);
  return ok(n);
}

function revision(raw: unknown): Converted<Revision> {
  const text = typeof raw === 'number' ? String(raw) : raw;
  const parsed = typeof text === 'string' ? parseRevision(text) : undefined;
  return parsed ? ok(parsed) : bad(`${show(raw)} is not a version or revision name: write 1.30.3 (or 1-30-3)`);
}

function weights(raw: unknown): Converted<number[]> {
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : Array.isArray(raw) ? raw : undefined;
  if (!items || items.length === 0) return bad('expects weights in percent such as 10,50,100');
  const numbers = items.map((x) => (typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x));
  const wrong = numbers.find((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100);
  if (wrong !== undefined) return bad(`each weight is a whole percent from 1 to 100, got ${show(wrong)}`);
  const ws = numbers as number[];
  for (let i = 1; i < ws.length; i++) {
    if ((ws[i] as number) <= (ws[i - 1] as number)) return bad(`must be strictly increasing, but ${ws[i]} follows ${ws[i - 1]}: write for example 10,50,100`);
  }
  if (ws[ws.length - 1] !== 100) return bad(`must end at 100 (all traffic on the canary), got ${ws.join(',')}: write for example ${[...ws.filter((w) => w < 100), 100].join(',')}`);
  return ok(ws);
}

function list(raw: unknown): Converted<string[]> {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (!items) return bad('expects a comma-separated list or a YAML list');
  const names = items.map((x) => (typeof x === 'string' ? x.trim() : x));
  const wrong = names.find((n) => typeof n !== 'string' || n === '');
  if (wrong !== undefined) return bad(`expects names, got ${show(wrong)}`);
  return ok(names as string[]);
}

function output(raw: unknown): Converted<OutputFormat> {
  return raw === 'table' || raw === 'json' || raw === 'yaml' ? ok(raw) : bad(`expects table, json or yaml, got ${show(raw)}`);
}

function ref(raw: unknown): Converted<ObjectRef> {
  const parts = typeof raw === 'string' ? raw.split('/') : undefined;
  const obj = parts?.length === 2 ? { namespace: parts[0], name: parts[1] } : raw;
  if (obj && typeof obj === 'object') {
    const { namespace, name } = obj as Record<string, unknown>;
    if (typeof namespace === 'string' && typeof name === 'string' && DNS_LABEL.test(namespace) && isObjectName(name)) {
      return ok({ namespace, name });
    }
  }
  return bad(`expects namespace/name (for example istio-ingress/bookinfo), got ${show(raw)}`);
}

function header(raw: unknown): Converted<HeaderMatch> {
  const parts = typeof raw === 'string' ? raw.split('=') : undefined;
  const obj = parts?.length === 2 ? { name: parts[0], value: parts[1] } : raw;
  if (obj && typeof obj === 'object') {
    const { name, value } = obj as Record<string, unknown>;
    if (typeof name === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) && typeof value === 'string' && value !== '') {
      return ok({ name: name.toLowerCase(), value });
    }
  }
  return bad(`expects name=value (for example traffic=test), got ${show(raw)}`);
}

export function isObjectName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name);
}

export function isNamespaceName(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return `"${raw}"`;
  const text = JSON.stringify(raw);
  return text === undefined ? String(raw) : text;
}
