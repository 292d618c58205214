import type { RouteContext } from '../../../src/gateway-api/rules.js';
import type { BackendRef, RouteMatch, RouteRule } from '../../../src/gateway-api/types.js';

export const STABLE = 'shop-1-29-6';
export const CANARY = 'shop-1-30-3';

export const ctx: RouteContext = {
  routeNamespace: 'istio-ingress',
  stableNamespace: STABLE,
  canaryNamespace: CANARY,
  stableRevision: '1-29-6',
  canaryRevision: '1-30-3',
  header: { name: 'traffic', value: 'test' },
};

/** A rule sending /api (for one tenant) to two stable Services, with the user's own filters and fields. */
export function apiRule(): RouteRule {
  return {
    name: 'api',
    matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-tenant', value: 'blue' }], method: 'GET' }],
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'api' }] } }],
    timeouts: { request: '10s', backendRequest: '5s' },
    sessionPersistence: { sessionName: 'shop', type: 'Cookie' },
    backendRefs: [
      {
        name: 'api',
        namespace: STABLE,
        port: 8080,
        weight: 3,
        filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-served-by', value: 'api' }], remove: ['server'] } }],
      },
      { name: 'api-v0', namespace: STABLE, port: 8080, weight: 1, 'x-unknown-field': { kept: true } },
    ],
  };
}

/** A rule without matches (it matches every request) and without weights. */
export function catchAllRule(): RouteRule {
  return { backendRefs: [{ name: 'web', namespace: STABLE, port: 80 }] };
}

/** Rules ambient-canary must never touch. */
export function unrelatedRules(): RouteRule[] {
  return [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-cdn', value: 'on' }] } }],
      backendRefs: [{ name: 'static', namespace: 'assets', port: 80 }],
    },
    { matches: [{ path: { type: 'Exact', value: '/healthz' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    // Same namespace, but not a Service: not ours to split.
    { matches: [{ path: { type: 'PathPrefix', value: '/mc' } }], backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'api', namespace: STABLE, port: 8080 }] },
  ];
}

export function userRules(): RouteRule[] {
  const [statics, healthz, imports] = unrelatedRules() as [RouteRule, RouteRule, RouteRule];
  return [statics, apiRule(), healthz, catchAllRule(), imports];
}

export function refs(rules: readonly RouteRule[], namespace: string): BackendRef[] {
  return rules.flatMap((r) => (r.backendRefs ?? []).filter((b) => b.namespace === namespace));
}

export function isStableService(b: BackendRef): boolean {
  return b.namespace === STABLE && (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '';
}

/** The smoke header rules: every match asks for the smoke header. */
export function headerRules(rules: readonly RouteRule[]): RouteRule[] {
  return rules.filter((r) => (r.matches ?? []).length > 0 && (r.matches ?? []).every((m) => (m.headers ?? []).some((h) => h.name === 'traffic' && h.value === 'test')));
}

/**
 * Gateway API precedence among matches of the same path and method: more header matches
 * win. `specific` beats `general` when it asks for everything `general` does, and more.
 */
export function strictlyMoreSpecific(specific: RouteMatch, general: RouteMatch | undefined): boolean {
  const path = general?.path ?? { type: 'PathPrefix', value: '/' };
  const sameCore = JSON.stringify(specific.path) === JSON.stringify(path) && specific.method === general?.method && JSON.stringify(specific.queryParams) === JSON.stringify(general?.queryParams);
  const own = specific.headers ?? [];
  const theirs = general?.headers ?? [];
  const covers = theirs.every((h) => own.some((o) => o.name === h.name && o.value === h.value));
  return sameCore && covers && own.length > theirs.length;
}
