// Status conditions: built with the object's generation, keeping lastTransitionTime when the
// status did not flip, and compared without timestamps so that rewriting an unchanged status
// (and the watch event it causes) never loops.

import type { Condition, ParentRef } from '../model/gateway-api.js';

export function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  generation: number | undefined,
  previous: Condition[] | undefined,
  now: string,
): Condition {
  const status = ok ? 'True' : 'False';
  const prev = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
}

/** JSON with sorted keys and no lastTransitionTime: the apiserver reorders keys of custom objects. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === 'lastTransitionTime') return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function sameStatus(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

/** Two parentRefs name the same parent once defaults are applied. */
export function sameParent(a: ParentRef, b: ParentRef, routeNamespace: string): boolean {
  return (
    (a.group ?? 'gateway.networking.k8s.io') === (b.group ?? 'gateway.networking.k8s.io') &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}
