import { describe, expect, it } from 'vitest';
import { pickBackend } from '../../cluster/sim/routing/backends.js';
import { applyModifier, applyRequestFilters, applyResponseFilters, type HeaderMap } from '../../cluster/sim/routing/headers.js';
import type { Backend } from '../../cluster/sim/routing/table.js';

const backend = (name: string, weight: number): Backend => ({ target: { namespace: 'ns', name }, weight, filters: [] });

/** A seeded generator so the distribution check is repeatable. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('pickBackend', () => {
  it('splits in proportion to weights (chi-square below the p=0.001 bound)', () => {
    const rnd = lcg(42);
    const backends = [backend('a', 90), backend('b', 10)];
    const counts = { a: 0, b: 0 } as Record<string, number>;
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const t = pickBackend(backends, rnd)!.target;
      counts['name' in t ? t.name : '?']!++;
    }
    const chi = (counts.a! - 9000) ** 2 / 9000 + (counts.b! - 1000) ** 2 / 1000;
    expect(chi).toBeLessThan(10.83);
  });

  it('never picks a zero weight, and gives nothing when all weights are zero', () => {
    const rnd = lcg(1);
    for (let i = 0; i < 1000; i++) expect(pickBackend([backend('a', 0), backend('b', 1)], rnd)!.weight).toBe(1);
    expect(pickBackend([backend('a', 0), backend('b', 0)])).toBeUndefined();
    expect(pickBackend([])).toBeUndefined();
  });

  it('returns a positive backend even when random() returns its top value', () => {
    expect(pickBackend([backend('a', 1), backend('b', 0)], () => 0.9999999999999999)!.weight).toBe(1);
  });
});

describe('header modifiers', () => {
  it('sets, adds (appending) and removes, case-insensitively', () => {
    const h: HeaderMap = { 'x-a': '1', 'x-b': '2', 'x-gone': 'y' };
    applyModifier(h, { set: [{ name: 'X-A', value: 'one' }], add: [{ name: 'x-b', value: '3' }, { name: 'x-new', value: 'n' }], remove: ['X-Gone'] });
    expect(h).toEqual({ 'x-a': 'one', 'x-b': '2,3', 'x-new': 'n' });
  });

  it('applies only the filter type that fits the direction', () => {
    const filters = [
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-req', value: '1' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-res', value: '1' }] } },
    ];
    const req: HeaderMap = {};
    const res: HeaderMap = {};
    applyRequestFilters(req, filters);
    applyResponseFilters(res, filters);
    expect(req).toEqual({ 'x-req': '1' });
    expect(res).toEqual({ 'x-res': '1' });
  });
});
