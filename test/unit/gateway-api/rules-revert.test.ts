import { describe, expect, it } from 'vitest';
import { captureOriginalWeights, promoted, REVISION_HEADER, withCanary, withoutCanary, withWeights } from '../../../src/gateway-api/rules.js';
import type { RouteRule } from '../../../src/gateway-api/types.js';
import { apiRule, CANARY, catchAllRule, ctx, STABLE, unrelatedRules, userRules } from './fixtures.js';

/** A rule whose user ResponseHeaderModifier only adds (no `set` of its own). */
function addOnlyRule(): RouteRule {
  return { backendRefs: [{ name: 'cart', namespace: STABLE, port: 80, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-shop', value: 'cart' }] } }, { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } }] }] };
}

const ROUTES: Array<[string, () => RouteRule[]]> = [
  ['the full user route', userRules],
  ['explicit weights and a ResponseHeaderModifier', () => [apiRule()]],
  ['a rule without matches or weights', () => [catchAllRule()]],
  ['an add-only ResponseHeaderModifier and a mirror', () => [addOnlyRule()]],
  ['a user weight of 0 on a stable backend', () => [{ backendRefs: [{ name: 'a', namespace: STABLE, weight: 0 }, { name: 'b', namespace: STABLE, weight: 1 }] }]],
  ['no rule of ours at all', unrelatedRules],
];

const SPLITS = [
  { stable: 100, canary: 0 },
  { stable: 90, canary: 10 },
  { stable: 0, canary: 100 },
];

/** The user's route with every stable Service moved to the canary namespace: what promote must leave. */
function movedToCanary(rules: RouteRule[]): RouteRule[] {
  return rules.map((r) => (r.backendRefs ? { ...r, backendRefs: r.backendRefs.map((b) => (b.namespace === STABLE && (b.kind ?? 'Service') === 'Service' ? { ...b, namespace: CANARY } : b)) } : r));
}

describe('withoutCanary: a revert gives back the user\'s rules exactly', () => {
  const cases = ROUTES.flatMap(([what, make]) => SPLITS.map((split) => [what, make, split] as const));
  it.each(cases)('%s, reverted from %j', (_what, make, split) => {
    const original = captureOriginalWeights(make(), ctx);
    const live = withWeights(withCanary(make(), ctx), ctx, split);
    expect(withoutCanary(live, ctx, original)).toEqual(make());
  });

  it('records explicit weights and marks absent ones as null', () => {
    expect(captureOriginalWeights([apiRule(), catchAllRule()], ctx)).toEqual({ '0:api:8080': 3, '0:api-v0:8080': 1, '1:web:80': null });
  });

  it('is harmless on a route that never got the canary', () => {
    expect(withoutCanary(userRules(), ctx, captureOriginalWeights(userRules(), ctx))).toEqual(userRules());
  });

  it('is idempotent', () => {
    const original = captureOriginalWeights(userRules(), ctx);
    const once = withoutCanary(withWeights(withCanary(userRules(), ctx), ctx, { stable: 50, canary: 50 }), ctx, original);
    expect(withoutCanary(once, ctx, original)).toEqual(once);
  });

  it('leaves no revision header behind on a backend that had no filters', () => {
    const reverted = withoutCanary(withCanary([catchAllRule()], ctx), ctx, captureOriginalWeights([catchAllRule()], ctx));
    expect(reverted[0]?.backendRefs?.[0]).not.toHaveProperty('filters');
    expect(JSON.stringify(reverted)).not.toContain(REVISION_HEADER);
  });
});

describe('promoted: the canary backends replace the stable ones', () => {
  it.each(ROUTES)('%s ends with only canary backends at the original weights', (_what, make) => {
    const original = captureOriginalWeights(make(), ctx);
    const atFull = withWeights(withCanary(make(), ctx), ctx, { stable: 0, canary: 100 });
    expect(promoted(atFull, ctx, original)).toEqual(movedToCanary(make()));
  });

  it('keeps the user\'s own response headers on the promoted backend and drops ours', () => {
    const [rule] = promoted(withCanary([apiRule()], ctx), ctx, captureOriginalWeights([apiRule()], ctx));
    expect(rule?.backendRefs?.[0]?.filters).toEqual(apiRule().backendRefs?.[0]?.filters);
  });

  it('is idempotent, so a resumed promote does not change the route again', () => {
    const original = captureOriginalWeights(userRules(), ctx);
    const once = promoted(withWeights(withCanary(userRules(), ctx), ctx, { stable: 0, canary: 100 }), ctx, original);
    expect(promoted(once, ctx, original)).toEqual(once);
  });

  it('leaves no stable backend and no header rule', () => {
    const after = promoted(withCanary(userRules(), ctx), ctx, captureOriginalWeights(userRules(), ctx));
    expect(after).toHaveLength(userRules().length);
    const services = after.flatMap((r) => r.backendRefs ?? []).filter((b) => (b.kind ?? 'Service') === 'Service');
    expect(services.some((b) => b.namespace === STABLE)).toBe(false);
  });
});
