// What the request path reads: an immutable snapshot swapped in whole after each reconcile, so
// serving a request needs no API call and no lock.

import type { ListenerRoutes } from '../controllers/gateways.js';
import type { DataPlaneView } from '../mesh/delivery.js';
import type { Endpoint } from '../mesh/workloads.js';
import { hostMatches, isWildcard } from '../routing/hostnames.js';

export interface PortConfig {
  gateway: string;
  /** undefined until the Gateway was programmed once (then the last programmed tables stay). */
  listeners: ListenerRoutes[] | undefined;
}

export interface Snapshot {
  /** By "address:port". */
  ports: Map<string, PortConfig>;
  endpoints: Map<string, Endpoint[]>;
  dataPlane: DataPlaneView;
}

export const EMPTY_SNAPSHOT: Snapshot = { ports: new Map(), endpoints: new Map(), dataPlane: { nodes: new Map(), daemonSets: new Map() } };

/** The listener a request host belongs to: an exact hostname, else the longest wildcard, else none. */
export function listenerFor(listeners: ListenerRoutes[], host: string): ListenerRoutes | undefined {
  let best: ListenerRoutes | undefined;
  let bestRank = -1;
  for (const l of listeners) {
    let rank = -1;
    if (!l.hostname) rank = 0;
    else if (!isWildcard(l.hostname) && l.hostname === host) rank = 100_000;
    else if (isWildcard(l.hostname) && hostMatches(l.hostname, host)) rank = l.hostname.length;
    if (rank > bestRank) {
      best = l;
      bestRank = rank;
    }
  }
  return best;
}
