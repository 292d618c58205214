// RequestHeaderModifier and ResponseHeaderModifier filters (set, add, remove) applied to a
// header map with lower-case names. Add appends to an existing value with a comma, as a proxy
// joining repeated headers would.

import type { HeaderModifier, RouteFilter } from '../model/gateway-api.js';

export type HeaderMap = Record<string, string>;

export function applyModifier(headers: HeaderMap, mod: HeaderModifier | undefined): void {
  if (!mod) return;
  for (const { name, value } of mod.set ?? []) headers[name.toLowerCase()] = value;
  for (const { name, value } of mod.add ?? []) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  for (const name of mod.remove ?? []) delete headers[name.toLowerCase()];
}

export function applyRequestFilters(headers: HeaderMap, filters: RouteFilter[]): void {
  for (const f of filters) if (f.type === 'RequestHeaderModifier') applyModifier(headers, f.requestHeaderModifier);
}

export function applyResponseFilters(headers: HeaderMap, filters: RouteFilter[]): void {
  for (const f of filters) if (f.type === 'ResponseHeaderModifier') applyModifier(headers, f.responseHeaderModifier);
}
