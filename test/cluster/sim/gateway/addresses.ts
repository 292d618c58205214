// Each Gateway gets its own loopback address (any 127.x.y.z binds on Linux), so that
// http://<status.addresses[0].value>:<listener port> reaches it and two Gateways may use the
// same port. Assignments are sticky: a Gateway keeps the address it already has (also across
// simulator restarts, through its status), or the one it asks for in spec.addresses.

import { keyOf, type Gateway } from '../model/gateway-api.js';

export const POOL_PREFIX = '127.0.10.';
const POOL_SIZE = 254;

function isLoopback(ip: string | undefined): ip is string {
  return ip !== undefined && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

function createdMs(gw: Gateway): number {
  const t = gw.metadata.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

function wanted(gw: Gateway, previous: Map<string, string>): string | undefined {
  const requested = gw.spec.addresses?.find((a) => (a.type ?? 'IPAddress') === 'IPAddress')?.value;
  if (isLoopback(requested)) return requested;
  const kept = previous.get(keyOf(gw.metadata));
  if (kept) return kept;
  const published = gw.status?.addresses?.find((a) => a.type === 'IPAddress')?.value;
  return isLoopback(published) && published.startsWith(POOL_PREFIX) ? published : undefined;
}

/** Address per Gateway key; a Gateway is missing from the result when the pool is exhausted. */
export function assignAddresses(gateways: Gateway[], previous: Map<string, string>): Map<string, string> {
  const ordered = [...gateways].sort((a, b) => createdMs(a) - createdMs(b) || (keyOf(a.metadata) < keyOf(b.metadata) ? -1 : 1));
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const rest: Gateway[] = [];
  for (const gw of ordered) {
    const ip = wanted(gw, previous);
    if (ip && !taken.has(ip)) {
      out.set(keyOf(gw.metadata), ip);
      taken.add(ip);
    } else rest.push(gw);
  }
  let next = 1;
  for (const gw of rest) {
    while (next <= POOL_SIZE && taken.has(POOL_PREFIX + next)) next++;
    if (next > POOL_SIZE) break;
    out.set(keyOf(gw.metadata), POOL_PREFIX + next);
    taken.add(POOL_PREFIX + next);
  }
  return out;
}
