import { describe, expect, it } from 'vitest';
import { assignAddresses } from '../../cluster/sim/gateway/addresses.js';
import { attachRoute } from '../../cluster/sim/gateway/attachment.js';
import { sameStatus } from '../../cluster/sim/gateway/conditions.js';
import { desiredGatewayStatus } from '../../cluster/sim/gateway/gateway-status.js';
import { routeRefProblem } from '../../cluster/sim/gateway/references.js';
import { desiredRouteParents } from '../../cluster/sim/gateway/route-status.js';
import type { Gateway, HTTPRoute, Listener, ReferenceGrant } from '../../cluster/sim/model/gateway-api.js';

function gateway(listeners: Partial<Listener>[], extra: Partial<Gateway['metadata']> = {}): Gateway {
  return {
    metadata: { name: 'ingress', namespace: 'istio-ingress', generation: 1, ...extra },
    spec: { gatewayClassName: 'istio', listeners: listeners.map((l, i) => ({ name: `l${i}`, port: 18080, protocol: 'HTTP', ...l })) },
  };
}

function route(ns: string, extra: Partial<HTTPRoute['spec']> = {}): HTTPRoute {
  return { metadata: { name: 'r', namespace: ns, generation: 4 }, spec: { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }], rules: [], ...extra } };
}

const gws = (g: Gateway) => new Map([['istio-ingress/ingress', g]]);
const noLabels = () => undefined;

describe('route attachment', () => {
  it('refuses a route from another namespace when the listener allows only Same', () => {
    const [v] = attachRoute(route('apps'), gws(gateway([{}])), noLabels);
    expect(v).toMatchObject({ accepted: false, reason: 'NotAllowedByListeners' });
  });

  it('accepts it with from: All, or with a Selector matching the namespace labels', () => {
    expect(attachRoute(route('apps'), gws(gateway([{ allowedRoutes: { namespaces: { from: 'All' } } }])), noLabels)[0]!.accepted).toBe(true);
    const sel = gateway([{ allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } }]);
    expect(attachRoute(route('apps'), gws(sel), () => ({ team: 'a' }))[0]!.accepted).toBe(true);
    expect(attachRoute(route('apps'), gws(sel), () => ({ team: 'b' }))[0]!.reason).toBe('NotAllowedByListeners');
  });

  it('reports a sectionName that names no listener, and hostnames that do not intersect', () => {
    const r = route('istio-ingress', { parentRefs: [{ name: 'ingress', sectionName: 'nope' }] });
    expect(attachRoute(r, gws(gateway([{}])), noLabels)[0]!.reason).toBe('NoMatchingParent');
    const h = route('istio-ingress', { hostnames: ['a.example.com'] });
    expect(attachRoute(h, gws(gateway([{ hostname: 'b.example.com' }])), noLabels)[0]!.reason).toBe('NoMatchingListenerHostname');
  });

  it('ignores parentRefs that name other Gateways (not ours)', () => {
    expect(attachRoute(route('apps', { parentRefs: [{ name: 'other' }] }), gws(gateway([{}])), noLabels)).toEqual([]);
  });
});

describe('backend references', () => {
  const grant: ReferenceGrant = {
    metadata: { name: 'g', namespace: 'shop' },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-ingress' }], to: [{ group: '', kind: 'Service' }] },
  };
  const world = (grants: ReferenceGrant[], services = ['shop/web']) => ({ grants, serviceExists: (ns: string, n: string) => services.includes(`${ns}/${n}`) });

  it('needs a ReferenceGrant in the backend namespace for a cross-namespace Service', () => {
    expect(routeRefProblem(world([]), [{ name: 'web', namespace: 'shop', port: 80 }], 'istio-ingress')?.problem).toBe('RefNotPermitted');
    expect(routeRefProblem(world([grant]), [{ name: 'web', namespace: 'shop', port: 80 }], 'istio-ingress')).toBeUndefined();
  });

  it('reports a missing Service as BackendNotFound and a non-Service kind as InvalidKind', () => {
    expect(routeRefProblem(world([grant]), [{ name: 'gone', namespace: 'shop' }], 'istio-ingress')?.problem).toBe('BackendNotFound');
    expect(routeRefProblem(world([]), [{ name: 'x', kind: 'Pod' }, { name: 'gone' }], 'istio-ingress')?.problem).toBe('InvalidKind');
  });
});

describe('route status', () => {
  const now = '2026-01-01T00:00:00Z';
  it('writes Accepted and ResolvedRefs at the current generation, keeping other controllers', () => {
    const r = route('istio-ingress');
    r.status = { parents: [{ parentRef: { name: 'x' }, controllerName: 'example.com/other', conditions: [] }] };
    const verdicts = attachRoute(r, gws(gateway([{}])), noLabels);
    const parents = desiredRouteParents(r, verdicts, { problem: 'RefNotPermitted', message: 'm' }, () => true, now);
    expect(parents).toHaveLength(2);
    expect(parents[1]!.conditions.map((c) => [c.type, c.status, c.reason, c.observedGeneration])).toEqual([
      ['Accepted', 'True', 'Accepted', 4],
      ['ResolvedRefs', 'False', 'RefNotPermitted', 4],
    ]);
  });

  it('freezes a parent whose Gateway has no Ready istiod', () => {
    const r = route('istio-ingress');
    const old = { parentRef: { name: 'ingress', namespace: 'istio-ingress' }, controllerName: 'istio.io/gateway-controller', conditions: [] };
    r.status = { parents: [old] };
    expect(desiredRouteParents(r, attachRoute(r, gws(gateway([{}])), noLabels), {}, () => false, now)).toEqual([old]);
  });
});

describe('gateway status and addresses', () => {
  it('says Programmed=False with a reason when no istiod programs it', () => {
    const s = desiredGatewayStatus(gateway([{}]), { address: '127.0.10.1', controller: { ok: false, reason: 'Pending', message: 'no istiod' }, attachedRoutes: () => 2, bindError: () => undefined }, 'now');
    expect(s.conditions!.find((c) => c.type === 'Programmed')).toMatchObject({ status: 'False', reason: 'Pending' });
    expect(s.listeners![0]!.attachedRoutes).toBe(2);
    expect(s.addresses).toEqual([{ type: 'IPAddress', value: '127.0.10.1' }]);
  });

  it('compares statuses without timestamps and key order', () => {
    expect(sameStatus({ a: 1, conditions: [{ type: 'X', lastTransitionTime: 't1' }] }, { conditions: [{ lastTransitionTime: 't2', type: 'X' }], a: 1 })).toBe(true);
  });

  it('keeps published and requested addresses and fills the lowest free one', () => {
    const a = gateway([{}], { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' });
    a.status = { addresses: [{ type: 'IPAddress', value: '127.0.10.2' }] };
    const b = gateway([{}], { name: 'b', creationTimestamp: '2026-01-01T00:00:01Z' });
    const c = gateway([{}], { name: 'c', creationTimestamp: '2026-01-01T00:00:02Z' });
    c.spec.addresses = [{ type: 'IPAddress', value: '127.0.20.7' }];
    const out = assignAddresses([c, b, a], new Map());
    expect(Object.fromEntries(out)).toEqual({ 'istio-ingress/a': '127.0.10.2', 'istio-ingress/b': '127.0.10.1', 'istio-ingress/c': '127.0.20.7' });
  });
});
