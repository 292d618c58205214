import { describe, expect, it } from 'vitest';
import type { HTTPRoute, RouteRule } from '../../cluster/sim/model/gateway-api.js';
import { hostMatches, intersectHostnames, requestHost } from '../../cluster/sim/routing/hostnames.js';
import { prefixMatches } from '../../cluster/sim/routing/match.js';
import { requestView } from '../../cluster/sim/routing/request.js';
import { compileTable, findRoute, type RouteInput } from '../../cluster/sim/routing/table.js';

const resolve = (ref: { name: string; namespace?: string }, ns: string) => ({ namespace: ref.namespace ?? ns, name: ref.name });

function route(key: string, rules: RouteRule[], opts: { createdMs?: number; hostnames?: string[] } = {}): RouteInput {
  const [namespace] = key.split('/');
  return { key, namespace: namespace!, createdMs: opts.createdMs ?? 0, hostnames: opts.hostnames ?? [], rules };
}

function winner(routes: RouteInput[], url: string, init: { host?: string; method?: string; headers?: Record<string, string> } = {}): string | undefined {
  const c = findRoute(compileTable(routes, resolve), requestView(init.host ?? 'example.com', url, init.method ?? 'GET', init.headers ?? {}));
  const b = c?.rule.backends[0]?.target;
  return b && 'name' in b ? b.name : undefined;
}

const to = (name: string): RouteRule['backendRefs'] => [{ name, port: 80 }];

describe('hostnames', () => {
  it('strips the port and lower-cases the Host header', () => {
    expect(requestHost('Foo.Example.com:18080')).toBe('foo.example.com');
    expect(requestHost('[::1]:80')).toBe('[::1]');
  });
  it('matches a wildcard against one or more labels, never the bare domain', () => {
    expect(hostMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('Example.com', 'example.com')).toBe(true);
  });
  it('narrows route hostnames by the listener hostname', () => {
    expect(intersectHostnames(undefined, [])).toEqual([]);
    expect(intersectHostnames('*.example.com', [])).toEqual(['*.example.com']);
    expect(intersectHostnames('*.example.com', ['a.example.com', 'a.example.net'])).toEqual(['a.example.com']);
    expect(intersectHostnames('a.example.com', ['*.example.com'])).toEqual(['a.example.com']);
    expect(intersectHostnames('a.example.com', ['b.example.com'])).toBeUndefined();
  });
});

describe('path matching', () => {
  it('treats PathPrefix element-wise', () => {
    expect(prefixMatches('/foo', '/foo')).toBe(true);
    expect(prefixMatches('/foo', '/foo/bar')).toBe(true);
    expect(prefixMatches('/foo/', '/foo')).toBe(true);
    expect(prefixMatches('/foo', '/foobar')).toBe(false);
    expect(prefixMatches('/', '/anything')).toBe(true);
  });
});

describe('Gateway API precedence', () => {
  it('prefers an exact path over any prefix, and the longest prefix among prefixes', () => {
    const r = route('ns/r', [
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: to('root') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api/v1/users' } }], backendRefs: to('long') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: to('api') },
      { matches: [{ path: { type: 'Exact', value: '/api/x' } }], backendRefs: to('exact') },
    ]);
    expect(winner([r], '/api/x')).toBe('exact');
    expect(winner([r], '/api/v1/users/7')).toBe('long');
    expect(winner([r], '/api/v2')).toBe('api');
    expect(winner([r], '/other?x=1')).toBe('root');
  });

  it('prefers a method match, then more header matches, then more query matches', () => {
    const r = route('ns/r', [
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: to('plain') },
      { matches: [{ queryParams: [{ name: 'q', value: '1' }] }], backendRefs: to('query') },
      { matches: [{ headers: [{ name: 'traffic', value: 'test' }] }], backendRefs: to('header') },
      { matches: [{ headers: [{ name: 'traffic', value: 'test' }, { name: 'X-User', value: 'bob' }] }], backendRefs: to('two-headers') },
      { matches: [{ method: 'POST' }], backendRefs: to('post') },
    ]);
    expect(winner([r], '/')).toBe('plain');
    expect(winner([r], '/?q=1')).toBe('query');
    expect(winner([r], '/?q=1', { headers: { traffic: 'test' } })).toBe('header');
    expect(winner([r], '/', { headers: { traffic: 'test', 'x-user': 'bob' } })).toBe('two-headers');
    expect(winner([r], '/', { method: 'POST', headers: { traffic: 'test', 'x-user': 'bob' } })).toBe('post');
  });

  it('breaks ties by route age, then namespace/name, then rule order', () => {
    const rule = (n: string): RouteRule => ({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: to(n) });
    expect(winner([route('b/new', [rule('new')], { createdMs: 2 }), route('a/old', [rule('old')], { createdMs: 1 })], '/')).toBe('old');
    expect(winner([route('b/r', [rule('b')]), route('a/r', [rule('a')])], '/')).toBe('a');
    expect(winner([route('a/r', [rule('first'), rule('second')])], '/')).toBe('first');
  });

  it('ranks a non-wildcard hostname above a wildcard above none', () => {
    const rule = (n: string): RouteRule => ({ backendRefs: to(n) });
    const routes = [
      route('ns/any', [rule('any')]),
      route('ns/wild', [rule('wild')], { hostnames: ['*.example.com'] }),
      route('ns/exact', [rule('exact')], { hostnames: ['shop.example.com'] }),
    ];
    expect(winner(routes, '/', { host: 'shop.example.com' })).toBe('exact');
    expect(winner(routes, '/', { host: 'blog.example.com' })).toBe('wild');
    expect(winner(routes, '/', { host: 'elsewhere.org' })).toBe('any');
  });

  it('matches header names case-insensitively and supports regular expressions', () => {
    const r = route('ns/r', [
      { matches: [{ headers: [{ name: 'X-Version', type: 'RegularExpression', value: 'v[0-9]+' }] }], backendRefs: to('re') },
    ]);
    expect(winner([r], '/', { headers: { 'x-version': 'v12' } })).toBe('re');
    expect(winner([r], '/', { headers: { 'x-version': 'beta' } })).toBeUndefined();
  });

  it('returns nothing when no rule matches (the gateway answers 404)', () => {
    const r = route('ns/r', [{ matches: [{ path: { type: 'Exact', value: '/only' } }], backendRefs: to('x') }]);
    expect(winner([r], '/other')).toBeUndefined();
  });

  it('applies the CRD default PathPrefix "/" to a rule without matches', () => {
    const routes: HTTPRoute['spec']['rules'] = [{ backendRefs: to('all') }];
    expect(winner([route('ns/r', routes!)], '/deep/path')).toBe('all');
  });
});
