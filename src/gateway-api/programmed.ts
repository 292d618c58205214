import type { Condition, HTTPRoute } from './types.js';

/**
 * Whether the gateway has taken the route's current generation: every parent reports
 * Accepted and ResolvedRefs True for exactly that generation (a condition about an older
 * generation says nothing about this write).
 */
export type Programmed =
  | { readonly state: 'programmed'; readonly generation: number }
  | { readonly state: 'pending'; readonly detail: string }
  | { readonly state: 'rejected'; readonly detail: string };

interface ParentRefLike {
  name?: string;
  namespace?: string;
  sectionName?: string;
}

export function routeProgrammed(route: HTTPRoute): Programmed {
  const generation = route.metadata.generation ?? 0;
  const parents = (route.spec.parentRefs ?? []) as ParentRefLike[];
  if (parents.length === 0) return { state: 'rejected', detail: 'the route has no parentRefs, so no gateway serves it' };
  for (const parent of parents) {
    const status = route.status?.parents?.find((p) => sameParent(p.parentRef, parent, route.metadata.namespace));
    const label = `parent ${parent.namespace ?? route.metadata.namespace}/${parent.name ?? '?'}`;
    if (!status) return { state: 'pending', detail: `${label} has not reported status yet` };
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const c = (status.conditions ?? []).find((x) => x.type === type);
      const verdict = judge(c, type, generation, label);
      if (verdict) return verdict;
    }
  }
  return { state: 'programmed', generation };
}

function judge(c: Condition | undefined, type: string, generation: number, label: string): Programmed | undefined {
  if (!c || (c.observedGeneration ?? -1) < generation) {
    return { state: 'pending', detail: `${label}: ${type} not yet reported for generation ${generation}` };
  }
  if (c.status !== 'True') {
    return { state: 'rejected', detail: `${label}: ${type}=${c.status} (${c.reason ?? 'no reason'}${c.message ? `: ${c.message}` : ''})` };
  }
  return undefined;
}

function sameParent(a: ParentRefLike, b: ParentRefLike, routeNamespace: string): boolean {
  return a.name === b.name && (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) && (a.sectionName ?? '') === (b.sectionName ?? '');
}

/** Advice for the usual reasons a route is refused. */
export function rejectionFix(detail: string): string | undefined {
  if (detail.includes('RefNotPermitted')) return 'a ReferenceGrant in the backend namespace must allow HTTPRoutes from the route namespace';
  if (detail.includes('BackendNotFound')) return 'the Service named by a backendRef does not exist (yet): check the canary namespace';
  if (detail.includes('NotAllowedByListeners')) return "the Gateway listener's allowedRoutes must admit the route namespace";
  return undefined;
}
