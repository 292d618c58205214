import { describe, expect, it } from 'vitest';
import { REVISION_HEADER, withCanary, withWeights } from '../../../src/gateway-api/rules.js';
import type { BackendRef, RouteRule } from '../../../src/gateway-api/types.js';
import { apiRule, CANARY, catchAllRule, ctx, headerRules, isStableService, refs, STABLE, strictlyMoreSpecific, unrelatedRules, userRules } from './fixtures.js';

const revisionOf = (b: BackendRef): string | undefined =>
  b.filters?.flatMap((f) => f.responseHeaderModifier?.set ?? []).find((h) => h.name === REVISION_HEADER)?.value;

const withoutBackends = ({ backendRefs: _b, ...rest }: RouteRule): RouteRule => rest;

describe('withCanary: what it adds', () => {
  const before = userRules();
  const after = withCanary(before, ctx);

  it('gives every stable Service backend a canary twin at weight 0, right after it', () => {
    for (const rule of after.filter((r) => !headerRules([r]).length)) {
      const list = rule.backendRefs ?? [];
      list.forEach((b, i) => {
        if (!isStableService(b)) return;
        expect(list[i + 1]).toMatchObject({ name: b.name, port: b.port, namespace: CANARY, weight: 0 });
      });
    }
    expect(refs(after.slice(0, before.length), CANARY)).toHaveLength(3);
  });

  it('keeps the stable weights the user wrote until a step moves them', () => {
    expect(refs(after.slice(0, before.length), STABLE).filter(isStableService).map((b) => b.weight)).toEqual([3, 1, undefined]);
  });

  it('adds the revision response header to every stable and canary backend, naming its revision', () => {
    const managed = after.slice(0, before.length);
    expect(refs(managed, STABLE).filter(isStableService).map(revisionOf)).toEqual(['1-29-6', '1-29-6', '1-29-6']);
    expect(refs(managed, CANARY).map(revisionOf)).toEqual(['1-30-3', '1-30-3', '1-30-3']);
  });

  it('merges the revision header into the user\'s ResponseHeaderModifier instead of adding a second one', () => {
    const [stable, canary] = after[1]?.backendRefs ?? [];
    for (const b of [stable, canary]) {
      const modifiers = (b?.filters ?? []).filter((f) => f.type === 'ResponseHeaderModifier');
      expect(modifiers).toHaveLength(1);
      expect(modifiers[0]?.responseHeaderModifier).toEqual({ set: [{ name: 'x-served-by', value: 'api' }, { name: REVISION_HEADER, value: b === stable ? '1-29-6' : '1-30-3' }], remove: ['server'] });
    }
  });

  it('adds one smoke header rule per managed rule, after every rule of the user', () => {
    expect(after.slice(0, before.length).map(withoutBackends)).toEqual(before.map(withoutBackends));
    expect(after).toHaveLength(before.length + 2);
    expect(headerRules(after)).toEqual(after.slice(before.length));
  });

  it('sends smoke traffic only to the canary twins', () => {
    for (const rule of headerRules(after)) {
      expect(rule.backendRefs?.length).toBeGreaterThan(0);
      expect(rule.backendRefs?.every((b) => b.namespace === CANARY && (b.weight ?? 1) > 0)).toBe(true);
    }
    expect(headerRules(after)[0]?.backendRefs?.map((b) => b.name)).toEqual(['api', 'api-v0']);
  });

  it.each([
    ['a rule with matches', apiRule()],
    ['a rule without matches', catchAllRule()],
  ])('gives %s a header rule that beats it on precedence for every match', (_what, rule) => {
    const [header] = headerRules(withCanary([rule], ctx));
    const originals = rule.matches ?? [undefined];
    expect(header?.matches).toHaveLength(originals.length);
    header?.matches?.forEach((m, i) => expect(strictlyMoreSpecific(m, originals[i]), JSON.stringify(m)).toBe(true));
  });

  it('copies the rule\'s filters and timeouts to its header rule, but not its name (rule names are unique)', () => {
    const [header] = headerRules(withCanary([apiRule()], ctx));
    expect(header).toMatchObject({ filters: apiRule().filters, timeouts: apiRule().timeouts });
    expect(header?.name).toBeUndefined();
  });
});

describe('withCanary: what it leaves alone', () => {
  it('returns every unrelated rule exactly as it was', () => {
    const after = withCanary(userRules(), ctx);
    expect([after[0], after[2], after[4]]).toEqual(unrelatedRules());
  });

  it('keeps unknown fields of a backendRef on the stable backend', () => {
    expect(withCanary([apiRule()], ctx)[0]?.backendRefs?.[2]).toMatchObject({ name: 'api-v0', 'x-unknown-field': { kept: true } });
  });

  it('changes nothing in a route that sends no traffic to the stable namespace', () => {
    expect(withCanary(unrelatedRules(), ctx)).toEqual(unrelatedRules());
  });

  it('does not modify the rules it is given', () => {
    const input = userRules();
    withCanary(input, ctx);
    expect(input).toEqual(userRules());
  });
});

describe('withCanary: idempotent', () => {
  it('changes nothing when applied to its own output', () => {
    const once = withCanary(userRules(), ctx);
    expect(withCanary(once, ctx)).toEqual(once);
  });

  it.each([
    [90, 10],
    [50, 50],
    [0, 100],
  ])('keeps a %i/%i split when a resumed run applies it again', (stable, canary) => {
    const split = withWeights(withCanary(userRules(), ctx), ctx, { stable, canary });
    expect(withCanary(split, ctx)).toEqual(split);
  });

  it('twins a stable rule the user added after the header rules, on the next reconcile', () => {
    const added: RouteRule = { matches: [{ path: { type: 'PathPrefix', value: '/new' } }], backendRefs: [{ name: 'new', namespace: STABLE, port: 80 }] };
    const again = withCanary([...withCanary([apiRule()], ctx), added], ctx);
    const newRule = again.find((r) => r.matches?.[0]?.path?.value === '/new' && headerRules([r]).length === 0);
    expect(newRule?.backendRefs?.map((b) => b.namespace)).toEqual([STABLE, CANARY]);
    expect(headerRules(again)).toHaveLength(2);
  });
});
