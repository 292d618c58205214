// One HTTPRouteMatch compiled into a predicate plus the facts Gateway API precedence ranks it by.

import type { RouteMatch, StringMatch } from '../model/gateway-api.js';
import type { RequestView } from './request.js';

export type PathKind = 'Exact' | 'PathPrefix' | 'RegularExpression';

export interface CompiledMatch {
  pathKind: PathKind;
  pathLength: number;
  hasMethod: boolean;
  headerCount: number;
  queryCount: number;
  test(req: RequestView): boolean;
}

/** "/foo" matches "/foo", "/foo/" and "/foo/bar" but not "/foobar"; a trailing "/" is ignored. */
export function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (p === '/' || p === '') return true;
  return path === p || (path.startsWith(p) && path.charCodeAt(p.length) === 47 /* '/' */);
}

function stringTest(m: StringMatch): (v: string | undefined) => boolean {
  if (m.type === 'RegularExpression') {
    const re = new RegExp(`^(?:${m.value})$`);
    return (v) => v !== undefined && re.test(v);
  }
  return (v) => v === m.value;
}

function pathTest(kind: PathKind, value: string): (path: string) => boolean {
  if (kind === 'Exact') return (p) => p === value;
  if (kind === 'RegularExpression') {
    const re = new RegExp(`^(?:${value})$`);
    return (p) => re.test(p);
  }
  return (p) => prefixMatches(value, p);
}

/** A missing match or path means PathPrefix "/" (the CRD's default). */
export function compileMatch(match: RouteMatch | undefined): CompiledMatch {
  const pathKind: PathKind = match?.path?.type ?? 'PathPrefix';
  const pathValue = match?.path?.value ?? '/';
  const path = pathTest(pathKind, pathValue);
  const headers = (match?.headers ?? []).map((h) => ({ name: h.name.toLowerCase(), test: stringTest(h) }));
  const queries = (match?.queryParams ?? []).map((q) => ({ name: q.name, test: stringTest(q) }));
  const method = match?.method;
  return {
    pathKind,
    pathLength: pathValue.length,
    hasMethod: method !== undefined,
    headerCount: headers.length,
    queryCount: queries.length,
    test(req) {
      if (method !== undefined && req.method !== method) return false;
      if (!path(req.path)) return false;
      for (const h of headers) if (!h.test(req.header(h.name))) return false;
      for (const q of queries) if (!q.test(req.query(q.name))) return false;
      return true;
    },
  };
}
