import { describe, expect, it } from 'vitest';
import { captureOriginalWeights, promoted, readWeights, withCanary, withoutCanary, withWeights } from '../../../src/gateway-api/rules.js';
import type { RouteRule } from '../../../src/gateway-api/types.js';
import { apiRule, CANARY, catchAllRule, ctx, headerRules, isStableService, refs, STABLE, unrelatedRules, userRules } from './fixtures.js';

const SPLITS = [
  { stable: 100, canary: 0 },
  { stable: 90, canary: 10 },
  { stable: 50, canary: 50 },
  { stable: 1, canary: 99 },
  { stable: 0, canary: 100 },
];

describe('withWeights', () => {
  it.each(SPLITS)('gives each stable/canary pair the split $stable/$canary', (split) => {
    const rules = withWeights(withCanary(userRules(), ctx), ctx, split);
    const managed = rules.filter((r) => headerRules([r]).length === 0);
    const stable = refs(managed, STABLE).filter(isStableService);
    const canary = refs(managed, CANARY);
    expect(stable).toHaveLength(3);
    stable.forEach((s, i) => {
      const total = (s.weight ?? 0) + (canary[i]?.weight ?? 0);
      expect([((s.weight ?? 0) * 100) / total, ((canary[i]?.weight ?? 0) * 100) / total]).toEqual([split.stable, split.canary]);
    });
  });

  it.each(SPLITS)("keeps the user's 3:1 ratio between two stable Services of one rule at $stable/$canary", (split) => {
    const rule = withWeights(withCanary([apiRule()], ctx), ctx, split)[0];
    const pair = (name: string) => (rule?.backendRefs ?? []).filter((b) => b.name === name).reduce((sum, b) => sum + (b.weight ?? 0), 0);
    expect(pair('api') / pair('api-v0')).toBe(3);
  });

  it('does not inflate the numbers over repeated steps (Gateway API caps weights at 1,000,000)', () => {
    let rules = withCanary([apiRule()], ctx);
    for (let i = 0; i < 20; i++) rules = withWeights(rules, ctx, SPLITS[i % SPLITS.length] as (typeof SPLITS)[number]);
    expect(Math.max(...(rules[0]?.backendRefs ?? []).map((b) => b.weight ?? 0))).toBeLessThanOrEqual(300);
  });

  it('leaves unrelated rules and the header rules as they were', () => {
    const reconciled = withCanary(userRules(), ctx);
    const rules = withWeights(reconciled, ctx, { stable: 50, canary: 50 });
    expect([rules[0], rules[2], rules[4]]).toEqual(unrelatedRules());
    expect(headerRules(rules)).toEqual(headerRules(reconciled));
  });

});

describe('withWeights: a rule that also sends traffic to a backend we do not canary', () => {
  // web (weight 1) and legacy (weight 5): legacy takes 5/6 of the rule's traffic, before, during and after.
  const mixed = (): RouteRule[] => [{ backendRefs: [{ name: 'web', namespace: STABLE, port: 80 }, { name: 'legacy', namespace: 'legacy', port: 80, weight: 5 }] }];
  const shares = (rules: RouteRule[]) => {
    const b = rules[0]?.backendRefs ?? [];
    const total = b.reduce((sum, r) => sum + (r.weight ?? 1), 0);
    const of = (ns: string) => b.filter((r) => r.namespace === ns).reduce((sum, r) => sum + (r.weight ?? 1), 0) / total;
    return { legacy: of('legacy'), canary: of(CANARY), stable: of(STABLE) };
  };

  it.each(SPLITS)('keeps legacy at 5/6 of the rule at $stable/$canary, and splits the app\'s 1/6', (split) => {
    const rules = withWeights(withCanary(mixed(), ctx), ctx, split);
    const got = shares(rules);
    expect(got.legacy).toBeCloseTo(5 / 6, 12);
    expect(got.canary).toBeCloseTo((split.canary / 100) * (1 / 6), 12);
    expect(readWeights(rules, ctx)).toEqual({ kind: 'weights', weights: split });
  });

  it('keeps it there over repeated steps, without inflating the numbers', () => {
    let rules = withCanary(mixed(), ctx);
    for (let i = 0; i < 20; i++) rules = withWeights(rules, ctx, SPLITS[i % SPLITS.length] as (typeof SPLITS)[number]);
    expect(shares(rules).legacy).toBeCloseTo(5 / 6, 12);
    expect(Math.max(...(rules[0]?.backendRefs ?? []).map((b) => b.weight ?? 0))).toBeLessThanOrEqual(500);
  });

  it('gives legacy back its own weight when the canary is taken out, and when it is promoted', () => {
    const original = captureOriginalWeights(mixed(), ctx);
    const moved = withWeights(withCanary(mixed(), ctx), ctx, { stable: 50, canary: 50 });
    expect(withoutCanary(withWeights(moved, ctx, { stable: 100, canary: 0 }), ctx, original)).toEqual(mixed());
    const done = promoted(withWeights(moved, ctx, { stable: 0, canary: 100 }), ctx, original);
    expect(done[0]?.backendRefs?.map((b) => [b.namespace, b.weight])).toEqual([
      [CANARY, undefined],
      ['legacy', 5],
    ]);
  });
});

describe('withWeights: a stable backend the user set to weight 0', () => {
  const disabled = (): RouteRule[] => [{ backendRefs: [{ name: 'a', namespace: STABLE, port: 80, weight: 0 }, { name: 'b', namespace: STABLE, port: 80, weight: 1 }] }];

  it.each(SPLITS)('gets no traffic at $stable/$canary, nor does its canary twin, and the split reads back', (split) => {
    const rules = withWeights(withCanary(disabled(), ctx), ctx, split);
    const weight = (name: string, namespace: string) => rules[0]?.backendRefs?.find((b) => b.name === name && b.namespace === namespace)?.weight;
    expect([weight('a', STABLE), weight('a', CANARY)]).toEqual([0, 0]);
    expect([weight('b', STABLE), weight('b', CANARY)]).toEqual([split.stable, split.canary]);
    expect(readWeights(rules, ctx)).toEqual({ kind: 'weights', weights: split });
  });
});

describe('readWeights', () => {
  it.each(SPLITS)('reads back $stable/$canary after it was written', (split) => {
    expect(readWeights(withWeights(withCanary(userRules(), ctx), ctx, split), ctx)).toEqual({ kind: 'weights', weights: split });
  });

  it('reads a freshly reconciled route as all stable, whatever the user\'s weights were', () => {
    expect(readWeights(withCanary([apiRule()], ctx), ctx)).toEqual({ kind: 'weights', weights: { stable: 100, canary: 0 } });
    expect(readWeights(withCanary([catchAllRule()], ctx), ctx)).toEqual({ kind: 'weights', weights: { stable: 100, canary: 0 } });
  });

  it('reads proportions when someone wrote other numbers (9 and 1 is 90/10)', () => {
    const rules = withCanary([catchAllRule()], ctx);
    const refsOf = rules[0]?.backendRefs ?? [];
    refsOf[0]!.weight = 9;
    refsOf[1]!.weight = 1;
    expect(readWeights(rules, ctx)).toEqual({ kind: 'weights', weights: { stable: 90, canary: 10 } });
  });

  it('reads one split when two rules say it in different numbers (9:1 and 90:10)', () => {
    const rules = withWeights(withCanary([apiRule(), catchAllRule()], ctx), ctx, { stable: 90, canary: 10 });
    const web = rules[1]?.backendRefs ?? [];
    web[0]!.weight = 9;
    web[1]!.weight = 1;
    expect(readWeights(rules, ctx)).toEqual({ kind: 'weights', weights: { stable: 90, canary: 10 } });
  });

  it('says no-canary, with the stable weight, before the twins are added', () => {
    expect(readWeights([catchAllRule()], ctx)).toEqual({ kind: 'no-canary', stableWeight: 1 });
    expect(readWeights([{ backendRefs: [{ name: 'web', namespace: STABLE, weight: 7 }] }], ctx)).toEqual({ kind: 'no-canary', stableWeight: 7 });
  });

  it('says unmanaged when no rule sends traffic to the stable namespace', () => {
    expect(readWeights(unrelatedRules(), ctx)).toEqual({ kind: 'unmanaged' });
    expect(readWeights([], ctx)).toEqual({ kind: 'unmanaged' });
  });

  it('says inconsistent, listing the splits, when two rules disagree', () => {
    const rules = withWeights(withCanary([apiRule(), catchAllRule()], ctx), ctx, { stable: 90, canary: 10 });
    const web = rules[1]?.backendRefs ?? [];
    web[0]!.weight = 50;
    web[1]!.weight = 50;
    expect(readWeights(rules, ctx)).toEqual({ kind: 'inconsistent', detail: '90/10, 50/50' });
  });

  it('says inconsistent when a stable backend lost its twin', () => {
    const rules = withWeights(withCanary([apiRule()], ctx), ctx, { stable: 90, canary: 10 });
    rules[0]!.backendRefs = rules[0]!.backendRefs!.filter((b) => !(b.namespace === CANARY && b.name === 'api-v0'));
    expect(readWeights(rules, ctx)).toMatchObject({ kind: 'inconsistent' });
  });

  it('ignores the header rules, which always send smoke traffic to the canary', () => {
    const rules = withCanary([apiRule()], ctx);
    expect(readWeights(rules, ctx)).toEqual(readWeights(rules.slice(0, 1), ctx));
  });
});
