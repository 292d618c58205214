// HTTPRoute status.parents as the Istio controller writes it: one entry per parentRef that names
// one of our Gateways, with Accepted and ResolvedRefs at the route's current generation.
// Parents whose Gateway has no Ready istiod are frozen (nobody would update them), and entries
// of other controllers are kept as they are.

import { ISTIO_CONTROLLER, type HTTPRoute, type RouteParentStatus } from '../model/gateway-api.js';
import type { ParentVerdict } from './attachment.js';
import { condition, sameParent } from './conditions.js';

export interface RefVerdict {
  problem?: string;
  message?: string;
}

export function desiredRouteParents(
  route: HTTPRoute,
  verdicts: ParentVerdict[],
  refs: RefVerdict,
  programmed: (gatewayKey: string) => boolean,
  now: string,
): RouteParentStatus[] {
  const ns = route.metadata.namespace ?? '';
  const gen = route.metadata.generation;
  const current = route.status?.parents ?? [];
  const ours: RouteParentStatus[] = [];
  for (const v of verdicts) {
    const existing = current.find((p) => p.controllerName === ISTIO_CONTROLLER && sameParent(p.parentRef, v.parentRef, ns));
    if (!programmed(v.gatewayKey)) {
      if (existing) ours.push(existing);
      continue;
    }
    ours.push({
      parentRef: v.parentRef,
      controllerName: ISTIO_CONTROLLER,
      conditions: [
        condition('Accepted', v.accepted, v.reason, v.message, gen, existing?.conditions, now),
        condition('ResolvedRefs', !refs.problem, refs.problem ?? 'ResolvedRefs', refs.message ?? 'All references resolved', gen, existing?.conditions, now),
      ],
    });
  }
  const others = current.filter((p) => p.controllerName !== ISTIO_CONTROLLER);
  return [...others, ...ours];
}
