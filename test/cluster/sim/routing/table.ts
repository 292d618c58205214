// A listener's routing table: every (hostname, match) of every attached route, sorted once by
// Gateway API precedence so that a request takes the first candidate that matches it.

import type { BackendRef, RouteFilter, RouteRule } from '../model/gateway-api.js';
import { hostMatches, hostnameRank } from './hostnames.js';
import { compileMatch, type CompiledMatch } from './match.js';
import type { RequestView } from './request.js';

export type BackendTarget = { namespace: string; name: string; port?: number } | { invalid: string };

export interface Backend {
  target: BackendTarget;
  weight: number;
  filters: RouteFilter[];
}

export interface CompiledRule {
  routeKey: string;
  index: number;
  filters: RouteFilter[];
  backends: Backend[];
}

export interface RouteInput {
  key: string;
  namespace: string;
  createdMs: number;
  /** Effective hostnames (already narrowed by the listener); [] accepts any host. */
  hostnames: string[];
  rules: RouteRule[];
}

export interface Candidate {
  host: string | undefined;
  match: CompiledMatch;
  rule: CompiledRule;
  createdMs: number;
  matchIndex: number;
}

export type ResolveBackend = (ref: BackendRef, routeNamespace: string) => BackendTarget;

const PATH_RANK = { Exact: 2, PathPrefix: 1, RegularExpression: 0 } as const;

/**
 * Gateway API precedence, continuing on ties: non-wildcard hostname characters, hostname
 * characters, exact path, longest prefix, method, most headers, most query params, oldest
 * route, route "namespace/name", rule order, match order.
 */
export function comparePrecedence(a: Candidate, b: Candidate): number {
  const ha = hostnameRank(a.host);
  const hb = hostnameRank(b.host);
  return (
    hb.exactChars - ha.exactChars ||
    hb.chars - ha.chars ||
    PATH_RANK[b.match.pathKind] - PATH_RANK[a.match.pathKind] ||
    b.match.pathLength - a.match.pathLength ||
    Number(b.match.hasMethod) - Number(a.match.hasMethod) ||
    b.match.headerCount - a.match.headerCount ||
    b.match.queryCount - a.match.queryCount ||
    a.createdMs - b.createdMs ||
    (a.rule.routeKey < b.rule.routeKey ? -1 : a.rule.routeKey > b.rule.routeKey ? 1 : 0) ||
    a.rule.index - b.rule.index ||
    a.matchIndex - b.matchIndex
  );
}

function compileRule(route: RouteInput, rule: RouteRule, index: number, resolve: ResolveBackend): CompiledRule {
  const backends = (rule.backendRefs ?? []).map((ref) => ({
    target: resolve(ref, route.namespace),
    weight: ref.weight ?? 1,
    filters: ref.filters ?? [],
  }));
  return { routeKey: route.key, index, filters: rule.filters ?? [], backends };
}

export function compileTable(routes: RouteInput[], resolve: ResolveBackend): Candidate[] {
  const out: Candidate[] = [];
  for (const route of routes) {
    const hosts = route.hostnames.length > 0 ? route.hostnames : [undefined];
    (route.rules ?? []).forEach((rule, index) => {
      const compiled = compileRule(route, rule, index, resolve);
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [undefined];
      matches.forEach((m, matchIndex) => {
        const match = compileMatch(m);
        for (const host of hosts) out.push({ host, match, rule: compiled, createdMs: route.createdMs, matchIndex });
      });
    });
  }
  return out.sort(comparePrecedence);
}

export function findRoute(table: Candidate[], req: RequestView): Candidate | undefined {
  for (const c of table) {
    if (c.host !== undefined && !hostMatches(c.host, req.host)) continue;
    if (c.match.test(req)) return c;
  }
  return undefined;
}
