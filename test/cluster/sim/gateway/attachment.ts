// Which listeners of which Gateway a route's parentRefs attach to, and why not when they don't.

import { GATEWAY_GROUP, keyOf, type Gateway, type HTTPRoute, type Listener, type ParentRef } from '../model/gateway-api.js';
import { selectorMatches } from '../model/selectors.js';
import { intersectHostnames } from '../routing/hostnames.js';

export interface Attachment {
  listener: string;
  hostnames: string[];
}

export interface ParentVerdict {
  parentRef: ParentRef;
  gatewayKey: string;
  accepted: boolean;
  reason: string;
  message: string;
  attachments: Attachment[];
}

export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTPS']);

/** The parentRef's Gateway, as "namespace/name", or undefined when it points at something else. */
export function parentGatewayKey(ref: ParentRef, routeNamespace: string): string | undefined {
  if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return undefined;
  return `${ref.namespace ?? routeNamespace}/${ref.name}`;
}

export function listenerAllows(gw: Gateway, listener: Listener, routeNamespace: string, nsLabels: NamespaceLabels): boolean {
  if (!HTTP_PROTOCOLS.has(listener.protocol)) return false;
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds && kinds.length > 0 && !kinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === 'HTTPRoute')) return false;
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gw.metadata.namespace;
  return selectorMatches(listener.allowedRoutes?.namespaces?.selector, nsLabels(routeNamespace));
}

function refused(parentRef: ParentRef, gatewayKey: string, reason: string, message: string): ParentVerdict {
  return { parentRef, gatewayKey, accepted: false, reason, message, attachments: [] };
}

/** Attach one parentRef of a route to its Gateway's listeners. */
export function attachParent(route: HTTPRoute, parentRef: ParentRef, gw: Gateway, nsLabels: NamespaceLabels): ParentVerdict {
  const ns = route.metadata.namespace ?? '';
  const key = keyOf(gw.metadata);
  const named = gw.spec.listeners.filter(
    (l) => (parentRef.sectionName === undefined || l.name === parentRef.sectionName) && (parentRef.port === undefined || l.port === parentRef.port),
  );
  if (named.length === 0) return refused(parentRef, key, 'NoMatchingParent', `no listener of ${key} matches sectionName/port`);
  const allowed = named.filter((l) => listenerAllows(gw, l, ns, nsLabels));
  if (allowed.length === 0) return refused(parentRef, key, 'NotAllowedByListeners', `listeners of ${key} do not allow HTTPRoutes from namespace ${ns}`);
  const attachments: Attachment[] = [];
  for (const l of allowed) {
    const hostnames = intersectHostnames(l.hostname, route.spec.hostnames);
    if (hostnames) attachments.push({ listener: l.name, hostnames });
  }
  if (attachments.length === 0) return refused(parentRef, key, 'NoMatchingListenerHostname', `no listener hostname of ${key} intersects the route's hostnames`);
  return { parentRef, gatewayKey: key, accepted: true, reason: 'Accepted', message: 'Route was valid', attachments };
}

/** Verdicts for every parentRef of the route that names one of our Gateways. */
export function attachRoute(route: HTTPRoute, gateways: Map<string, Gateway>, nsLabels: NamespaceLabels): ParentVerdict[] {
  const out: ParentVerdict[] = [];
  for (const ref of route.spec.parentRefs ?? []) {
    const key = parentGatewayKey(ref, route.metadata.namespace ?? '');
    const gw = key ? gateways.get(key) : undefined;
    if (gw) out.push(attachParent(route, ref, gw, nsLabels));
  }
  return out;
}
