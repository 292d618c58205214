// Hostname matching and listener/route hostname intersection, as Gateway API defines them:
// "*.example.com" matches one or more labels in front of "example.com", never "example.com".

/** The Host header without its port, lower-cased (implementations must ignore the port). */
export function requestHost(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
  return host.toLowerCase();
}

export function isWildcard(pattern: string): boolean {
  return pattern.startsWith('*.');
}

/** Does a hostname pattern (exact or wildcard) match a concrete request host? */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (!isWildcard(p)) return p === host;
  const suffix = p.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

/** Does pattern `outer` accept every host pattern `inner` accepts (inner is as or more specific)? */
function covers(outer: string, inner: string): boolean {
  if (!isWildcard(outer)) return outer === inner;
  if (!isWildcard(inner)) return hostMatches(outer, inner);
  return inner.endsWith(outer.slice(1));
}

/**
 * The hostnames a route serves through a listener: the route's own, narrowed by the listener's.
 * `[]` means "any host"; `undefined` means the two do not intersect (the route is not accepted
 * by that listener: NoMatchingListenerHostname).
 */
export function intersectHostnames(listenerHost: string | undefined, routeHosts: string[] | undefined): string[] | undefined {
  const route = (routeHosts ?? []).map((h) => h.toLowerCase());
  if (!listenerHost) return route;
  const listener = listenerHost.toLowerCase();
  if (route.length === 0) return [listener];
  const out = new Set<string>();
  for (const h of route) {
    if (covers(listener, h)) out.add(h);
    else if (covers(h, listener)) out.add(listener);
  }
  return out.size > 0 ? [...out] : undefined;
}

/** Precedence weights of a matched hostname: characters of a non-wildcard name, then of any name. */
export function hostnameRank(pattern: string | undefined): { exactChars: number; chars: number } {
  if (!pattern) return { exactChars: 0, chars: 0 };
  return { exactChars: isWildcard(pattern) ? 0 : pattern.length, chars: pattern.length };
}
