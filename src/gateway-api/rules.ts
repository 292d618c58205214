import type { HeaderMatch } from '../config/types.js';
import type { WeightPair } from '../domain/weights.js';
import type { BackendRef, Filter, RouteMatch, RouteRule } from './types.js';

/**
 * Pure edits of a user's HTTPRoute rules. We change only what the canary needs: the
 * weights of the stable backendRefs, a twin backendRef per stable one in the canary
 * namespace, one response header per backendRef naming its revision (for attribution),
 * and one header-matched rule that sends the smoke traffic to the canary. Every other
 * rule, filter and field is kept as it was.
 */
export interface RouteContext {
  readonly routeNamespace: string;
  readonly stableNamespace: string;
  readonly canaryNamespace: string;
  readonly stableRevision: string;
  readonly canaryRevision: string;
  readonly header: HeaderMatch;
}

/** The response header each backendRef adds, naming the revision that served. */
export const REVISION_HEADER = 'x-canary-revision';

/** Original weights of the stable backendRefs and the other backendRefs of their rules, by rule index and backend, to restore them. */
export type OriginalWeights = Record<string, number | null>;

export function refNamespace(ref: BackendRef, ctx: RouteContext): string {
  return ref.namespace ?? ctx.routeNamespace;
}

function isService(ref: BackendRef): boolean {
  return (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
}

export function isStableRef(ref: BackendRef, ctx: RouteContext): boolean {
  return isService(ref) && refNamespace(ref, ctx) === ctx.stableNamespace;
}

export function isCanaryRef(ref: BackendRef, ctx: RouteContext): boolean {
  return isService(ref) && refNamespace(ref, ctx) === ctx.canaryNamespace;
}

/** Our smoke rule: every match carries the smoke header and every backend is a canary one. */
export function isHeaderRule(rule: RouteRule, ctx: RouteContext): boolean {
  const refs = rule.backendRefs ?? [];
  const matches = rule.matches ?? [];
  return (
    refs.length > 0 &&
    refs.every((r) => isCanaryRef(r, ctx)) &&
    matches.length > 0 &&
    matches.every((m) => (m.headers ?? []).some((h) => h.name.toLowerCase() === ctx.header.name && h.value === ctx.header.value))
  );
}

/** Rules that send traffic to the stable namespace: the ones whose weights we move. */
export function managedRuleIndexes(rules: readonly RouteRule[], ctx: RouteContext): number[] {
  return rules.flatMap((rule, i) => ((rule.backendRefs ?? []).some((r) => isStableRef(r, ctx)) && !isHeaderRule(rule, ctx) ? [i] : []));
}

function refKey(ruleIndex: number, ref: BackendRef): string {
  return `${ruleIndex}:${ref.name}:${ref.port ?? ''}`;
}

/** A backend of a managed rule that is neither stable nor canary (another namespace, another kind). */
function otherKey(ruleIndex: number, ref: BackendRef, ctx: RouteContext): string {
  return `${ruleIndex}:other:${ref.group ?? ''}/${ref.kind ?? 'Service'}/${refNamespace(ref, ctx)}/${ref.name}:${ref.port ?? ''}`;
}

function isOtherRef(ref: BackendRef, ctx: RouteContext): boolean {
  return !isStableRef(ref, ctx) && !isCanaryRef(ref, ctx);
}

/** The weights the run changes, before it changes them: stable backends, and the other backends of their rules. */
export function captureOriginalWeights(rules: readonly RouteRule[], ctx: RouteContext): OriginalWeights {
  const original: OriginalWeights = {};
  for (const i of managedRuleIndexes(rules, ctx)) {
    for (const ref of rules[i]?.backendRefs ?? []) {
      if (isStableRef(ref, ctx)) original[refKey(i, ref)] = ref.weight ?? null;
      else if (isOtherRef(ref, ctx)) original[otherKey(i, ref, ctx)] = ref.weight ?? null;
    }
  }
  return original;
}

/**
 * Adds what the canary needs, without moving traffic: canary twins at weight 0 (or their
 * current weight when already there), revision headers, and the smoke header rule.
 * Idempotent: applying it to its own output changes nothing.
 */
export function withCanary(rules: readonly RouteRule[], ctx: RouteContext): RouteRule[] {
  const managed = new Set(managedRuleIndexes(rules, ctx));
  // Index before filtering: `managed` holds indexes into `rules`, header rules included.
  const out = rules.map((rule, i) => (managed.has(i) ? withTwins(rule, ctx) : rule)).filter((r) => !isHeaderRule(r, ctx));
  for (const i of managed) out.push(headerRule(rules[i] as RouteRule, ctx));
  return out;
}

function withTwins(rule: RouteRule, ctx: RouteContext): RouteRule {
  const refs = rule.backendRefs ?? [];
  const result: BackendRef[] = [];
  for (const ref of refs) {
    if (isCanaryRef(ref, ctx)) continue;
    if (!isStableRef(ref, ctx)) {
      result.push(ref);
      continue;
    }
    result.push(withRevisionHeader(ref, ctx.stableRevision));
    const existing = refs.find((r) => isCanaryRef(r, ctx) && r.name === ref.name && r.port === ref.port);
    result.push(canaryTwin(ref, ctx, existing?.weight ?? 0));
  }
  return { ...rule, backendRefs: result };
}

function canaryTwin(stable: BackendRef, ctx: RouteContext, weight: number): BackendRef {
  const twin: BackendRef = { ...withoutRevisionHeader(stable), namespace: ctx.canaryNamespace, weight };
  return withRevisionHeader(twin, ctx.canaryRevision);
}

function headerRule(rule: RouteRule, ctx: RouteContext): RouteRule {
  const base: RouteMatch[] = rule.matches && rule.matches.length > 0 ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
  const matches = base.map((m) => ({
    ...m,
    headers: [...(m.headers ?? []).filter((h) => h.name.toLowerCase() !== ctx.header.name), { type: 'Exact' as const, name: ctx.header.name, value: ctx.header.value }],
  }));
  const backendRefs = (rule.backendRefs ?? []).filter((r) => isStableRef(r, ctx)).map((r) => ({ ...canaryTwin(r, ctx, 1) }));
  const { name: _name, ...rest } = rule;
  return { ...rest, matches, backendRefs };
}

/**
 * Sets the split on every managed rule. Each stable backend and its canary twin share the
 * pair's base weight (w% of it to the canary); every other backend of the rule gets its
 * base × 100, the same total a pair's two weights add up to. So a rule that splits traffic
 * among several stable Services, or between the app and a backend we do not canary, keeps
 * each one's share of the rule during the canary. The route must have the twins.
 */
export function withWeights(rules: readonly RouteRule[], ctx: RouteContext, w: WeightPair): RouteRule[] {
  const managed = new Set(managedRuleIndexes(rules, ctx));
  return rules.map((rule, i) => {
    if (!managed.has(i)) return rule;
    const refs = rule.backendRefs ?? [];
    const bases = ruleBases(refs, ctx);
    const backendRefs = refs.map((ref, at) => {
      const base = bases.get(baseKey(ref, at, ctx));
      if (base === undefined) return ref;
      if (isStableRef(ref, ctx)) return { ...ref, weight: base * w.stable };
      if (isCanaryRef(ref, ctx)) return { ...ref, weight: base * w.canary };
      return { ...ref, weight: base * (w.stable + w.canary) };
    });
    return { ...rule, backendRefs };
  });
}

/** A stable backend and its canary twin share one key; any other backend has its own. */
function baseKey(ref: BackendRef, at: number, ctx: RouteContext): string {
  return isOtherRef(ref, ctx) ? `other:${at}` : `pair:${ref.name}:${ref.port ?? ''}`;
}

/**
 * The relative weight of each stable/canary pair, and of each other backend, in a rule:
 * the pair's current sum (an other backend's weight), all reduced by their common divisor,
 * so repeated steps do not inflate the numbers (Gateway API caps a weight at 1,000,000)
 * and a step undoes the ×100 the last one gave the other backends. A 0 stays 0.
 */
function ruleBases(refs: readonly BackendRef[], ctx: RouteContext): Map<string, number> {
  const sums = new Map<string, number>();
  refs.forEach((ref, at) => {
    const weight = ref.weight ?? (isCanaryRef(ref, ctx) ? 0 : 1);
    const key = baseKey(ref, at, ctx);
    sums.set(key, (sums.get(key) ?? 0) + weight);
  });
  const positive = [...sums.values()].filter((v) => v > 0);
  const divisor = positive.reduce(gcd, positive[0] ?? 1);
  return new Map([...sums].map(([key, sum]) => [key, sum > 0 ? sum / divisor : 0]));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export type ReadWeights =
  | { readonly kind: 'weights'; readonly weights: WeightPair }
  | { readonly kind: 'no-canary'; readonly stableWeight: number }
  | { readonly kind: 'unmanaged' }
  | { readonly kind: 'inconsistent'; readonly detail: string };

/** The split the route asks for now, read back after a write to verify it. */
export function readWeights(rules: readonly RouteRule[], ctx: RouteContext): ReadWeights {
  const managed = managedRuleIndexes(rules, ctx);
  if (managed.length === 0) return { kind: 'unmanaged' };
  const pairs = new Set<string>();
  let firstStable: number | undefined;
  let anyCanary = false;
  for (const i of managed) {
    for (const ref of rules[i]?.backendRefs ?? []) {
      if (!isStableRef(ref, ctx)) continue;
      const twin = (rules[i]?.backendRefs ?? []).find((r) => isCanaryRef(r, ctx) && r.name === ref.name && r.port === ref.port);
      anyCanary ||= twin !== undefined;
      firstStable ??= ref.weight ?? 1;
      // Compare proportions: the user's 3:1 between two stable backends is one 100/0 split.
      pairs.add(percentSplit(ref.weight ?? 1, twin?.weight ?? 0));
    }
  }
  // A pair the user set to weight 0 takes no traffic at any split: it says nothing about the split.
  if (pairs.size > 1) pairs.delete('0/0');
  if (pairs.size > 1) return { kind: 'inconsistent', detail: [...pairs].join(', ') };
  if (!anyCanary) return { kind: 'no-canary', stableWeight: firstStable ?? 1 };
  const [stable, canary] = ([...pairs][0] as string).split('/').map(Number) as [number, number];
  return { kind: 'weights', weights: { stable, canary } };
}

function percentSplit(stable: number, canary: number): string {
  const total = stable + canary;
  return total === 0 ? '0/0' : `${Math.round((100 * stable) / total)}/${Math.round((100 * canary) / total)}`;
}

/** Takes the canary out: twins, header rule and revision headers gone, weights restored. */
export function withoutCanary(rules: readonly RouteRule[], ctx: RouteContext, original: OriginalWeights): RouteRule[] {
  return rules
    .filter((r) => !isHeaderRule(r, ctx))
    .map((rule, i) => {
      if (!(rule.backendRefs ?? []).some((r) => isStableRef(r, ctx) || isCanaryRef(r, ctx))) return rule;
      const backendRefs = (rule.backendRefs ?? [])
        .filter((r) => !isCanaryRef(r, ctx))
        .map((r) => (isStableRef(r, ctx) ? restoreWeight(withoutRevisionHeader(r), original[refKey(i, r)]) : restoreOther(r, i, ctx, original)));
      return { ...rule, backendRefs };
    });
}

/** Promotion: the canary backends replace the stable ones, with the stable ones' original weights. */
export function promoted(rules: readonly RouteRule[], ctx: RouteContext, original: OriginalWeights): RouteRule[] {
  return rules
    .filter((r) => !isHeaderRule(r, ctx))
    .map((rule, i) => {
      const refs = rule.backendRefs ?? [];
      if (!refs.some((r) => isCanaryRef(r, ctx))) return rule;
      const backendRefs = refs.flatMap((r) => {
        if (isStableRef(r, ctx)) return [];
        if (!isCanaryRef(r, ctx)) return [restoreOther(r, i, ctx, original)];
        const stableTwin = refs.find((s) => isStableRef(s, ctx) && s.name === r.name && s.port === r.port);
        // Without its stable twin the rule was promoted already: leave its weight alone.
        return [stableTwin ? restoreWeight(withoutRevisionHeader(r), original[refKey(i, stableTwin)]) : withoutRevisionHeader(r)];
      });
      return { ...rule, backendRefs };
    });
}

/** An other backend's weight as the user wrote it (runs recorded before other backends were kept leave it alone). */
function restoreOther(ref: BackendRef, ruleIndex: number, ctx: RouteContext, original: OriginalWeights): BackendRef {
  const key = otherKey(ruleIndex, ref, ctx);
  return key in original ? restoreWeight(ref, original[key]) : ref;
}

function restoreWeight(ref: BackendRef, weight: number | null | undefined): BackendRef {
  const { weight: _w, ...rest } = ref;
  return weight === null || weight === undefined ? rest : { ...rest, weight };
}

function withRevisionHeader(ref: BackendRef, revision: string): BackendRef {
  const filters = [...(ref.filters ?? [])];
  const at = filters.findIndex((f) => f.type === 'ResponseHeaderModifier');
  const current: Filter = at >= 0 ? (filters[at] as Filter) : { type: 'ResponseHeaderModifier', responseHeaderModifier: {} };
  const mod = current.responseHeaderModifier ?? {};
  const set = [...(mod.set ?? []).filter((h) => h.name.toLowerCase() !== REVISION_HEADER), { name: REVISION_HEADER, value: revision }];
  const updated: Filter = { ...current, responseHeaderModifier: { ...mod, set } };
  if (at >= 0) filters[at] = updated;
  else filters.push(updated);
  return { ...ref, filters };
}

function withoutRevisionHeader(ref: BackendRef): BackendRef {
  if (!ref.filters) return ref;
  const filters = ref.filters.flatMap((f) => {
    if (f.type !== 'ResponseHeaderModifier' || !f.responseHeaderModifier) return [f];
    const mod = f.responseHeaderModifier;
    const set = (mod.set ?? []).filter((h) => h.name.toLowerCase() !== REVISION_HEADER);
    const { set: _s, ...others } = mod;
    const rest = set.length === 0 ? others : { ...others, set };
    return Object.keys(rest).length === 0 ? [] : [{ ...f, responseHeaderModifier: rest }];
  });
  const { filters: _f, ...without } = ref;
  return filters.length === 0 ? without : { ...without, filters };
}
