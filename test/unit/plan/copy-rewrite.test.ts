import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import { namespaceMentions, rewriteReferences } from '../../../src/plan/copy-rewrite.js';

const ns = { stable: 'shop', canary: 'shop-1-31', toRevision: '1-31' };
const obj = (apiVersion: string, kind: string, body: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'shop-1-31', ...(labels ? { labels } : {}) }, ...body });
const rewrite = (o: KubeObject): { copy: KubeObject; changes: string[] } => {
  const copy = structuredClone(o);
  return { copy, changes: rewriteReferences(copy, ns) };
};

describe('references to the stable namespace in a copy', () => {
  it("rewrites an AuthorizationPolicy's own namespace and principals, and leaves other namespaces alone", () => {
    const policy = obj('security.istio.io/v1', 'AuthorizationPolicy', {
      spec: {
        selector: { matchLabels: { app: 'web', 'istio.io/rev': '1-30' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              { source: { namespaces: ['shop', 'istio-ingress'], principals: ['cluster.local/ns/shop/sa/web', 'cluster.local/ns/istio-ingress/sa/ingress', 'td.example/ns/shop/*'] } },
              { source: { notNamespaces: ['shop'], notPrincipals: ['cluster.local/ns/shopping/sa/x'] } },
            ],
            when: [
              { key: 'source.namespace', values: ['shop'] },
              { key: 'source.principal', notValues: ['cluster.local/ns/shop/sa/batch'] },
              { key: 'request.headers[x-ns]', values: ['shop'] },
            ],
          },
        ],
      },
    });
    const { copy, changes } = rewrite(policy);
    const spec = copy['spec'] as { selector: unknown; rules: [{ from: [{ source: Record<string, string[]> }, { source: Record<string, string[]> }]; when: Array<Record<string, string[]>> }] };
    expect(spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(spec.rules[0].from[0].source).toEqual({ namespaces: ['shop-1-31', 'istio-ingress'], principals: ['cluster.local/ns/shop-1-31/sa/web', 'cluster.local/ns/istio-ingress/sa/ingress', 'td.example/ns/shop-1-31/*'] });
    expect(spec.rules[0].from[1].source).toEqual({ notNamespaces: ['shop-1-31'], notPrincipals: ['cluster.local/ns/shopping/sa/x'] });
    expect(spec.rules[0].when).toEqual([
      { key: 'source.namespace', values: ['shop-1-31'] },
      { key: 'source.principal', notValues: ['cluster.local/ns/shop-1-31/sa/batch'] },
      // A header is not a namespace, whatever its value.
      { key: 'request.headers[x-ns]', values: ['shop'] },
    ]);
    expect(changes).toContain('spec.rules[0].from[0].source.principals: cluster.local/ns/shop/sa/web → cluster.local/ns/shop-1-31/sa/web');
    expect(changes).toHaveLength(7);
  });

  it('rewrites RoleBinding subjects of the stable namespace, not those of others or users', () => {
    const binding = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', {
      roleRef: { kind: 'Role', name: 'reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
        { kind: 'ServiceAccount', name: 'prom', namespace: 'monitoring' },
        { kind: 'User', name: 'shop' },
      ],
    });
    const { copy } = rewrite(binding);
    expect(copy['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'shop-1-31' },
      { kind: 'ServiceAccount', name: 'prom', namespace: 'monitoring' },
      { kind: 'User', name: 'shop' },
    ]);
    expect(copy['roleRef']).toEqual({ kind: 'Role', name: 'reader' });
  });

  it('rewrites a NetworkPolicy namespace selector by name, both in matchLabels and matchExpressions', () => {
    const policy = obj('networking.k8s.io/v1', 'NetworkPolicy', {
      spec: {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'db'] }] } }] }],
      },
    });
    const { copy, changes } = rewrite(policy);
    expect(JSON.stringify(copy['spec'])).toBe(
      JSON.stringify({
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-1-31' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop-1-31', 'db'] }] } }] }],
      }),
    );
    expect(changes).toHaveLength(2);
  });

  it("rewrites the application's DNS names in DestinationRules and VirtualServices, not outside names", () => {
    const dr = obj('networking.istio.io/v1', 'DestinationRule', { spec: { host: 'reviews.shop.svc.cluster.local' } });
    expect((rewrite(dr).copy['spec'] as { host: string }).host).toBe('reviews.shop-1-31.svc.cluster.local');
    for (const [host, want] of [
      ['reviews', 'reviews'],
      ['reviews.shop', 'reviews.shop-1-31'],
      ['reviews.shop.svc', 'reviews.shop-1-31.svc'],
      ['reviews.shop.svc.corp.local', 'reviews.shop-1-31.svc.corp.local'],
      ['shop.example.com', 'shop.example.com'],
      ['reviews.shopping.svc.cluster.local', 'reviews.shopping.svc.cluster.local'],
    ] as const) {
      expect((rewrite(obj('networking.istio.io/v1', 'DestinationRule', { spec: { host } })).copy['spec'] as { host: string }).host, host).toBe(want);
    }
    const vs = obj('networking.istio.io/v1', 'VirtualService', { spec: { hosts: ['reviews.shop.svc.cluster.local', 'api.example.com'], http: [{ route: [{ destination: { host: 'reviews.shop.svc.cluster.local', subset: 'v2' } }] }] } });
    expect(rewrite(vs).copy['spec']).toEqual({ hosts: ['reviews.shop-1-31.svc.cluster.local', 'api.example.com'], http: [{ route: [{ destination: { host: 'reviews.shop-1-31.svc.cluster.local', subset: 'v2' } }] }] });
  });

  it('rewrites Sidecar egress hosts of the stable namespace', () => {
    const sc = obj('networking.istio.io/v1', 'Sidecar', { spec: { egress: [{ hosts: ['./*', 'shop/*', 'istio-system/*', 'shopping/*'] }] } });
    expect(rewrite(sc).copy['spec']).toEqual({ egress: [{ hosts: ['./*', 'shop-1-31/*', 'istio-system/*', 'shopping/*'] }] });
  });

  it('gives a copied waypoint the new revision, and points use-waypoint-namespace at the canary', () => {
    const waypoint = obj('gateway.networking.k8s.io/v1', 'Gateway', { spec: { gatewayClassName: 'istio-waypoint', listeners: [] } }, { 'istio.io/waypoint-for': 'service' });
    const { copy, changes } = rewrite(waypoint);
    expect(copy.metadata.labels).toEqual({ 'istio.io/waypoint-for': 'service', 'istio.io/rev': '1-31' });
    expect(changes).toEqual(["metadata.labels.istio.io/rev: (none) → 1-31 (deployed by the new revision's istiod)"]);
    const other = obj('gateway.networking.k8s.io/v1', 'Gateway', { spec: { gatewayClassName: 'istio' } });
    expect(rewrite(other).changes).toEqual([]);
    const svc = obj('v1', 'Service', { spec: {} }, { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'shop' });
    expect(rewrite(svc).copy.metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'shop-1-31' });
    const shared = obj('v1', 'Service', { spec: {} }, { 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' });
    expect(rewrite(shared).changes).toEqual([]);
  });

  it('rewrites route parents and backends in the stable namespace', () => {
    const route = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', { spec: { parentRefs: [{ kind: 'Service', name: 'reviews', namespace: 'shop' }, { name: 'ingress', namespace: 'istio-ingress' }], rules: [{ backendRefs: [{ name: 'reviews-v2', namespace: 'shop', port: 9080 }, { name: 'reviews-v1', port: 9080 }] }] } });
    expect(rewrite(route).copy['spec']).toEqual({ parentRefs: [{ kind: 'Service', name: 'reviews', namespace: 'shop-1-31' }, { name: 'ingress', namespace: 'istio-ingress' }], rules: [{ backendRefs: [{ name: 'reviews-v2', namespace: 'shop-1-31', port: 9080 }, { name: 'reviews-v1', port: 9080 }] }] });
  });

  it('drops istio.io/rev from the selectors of PeerAuthentication and PodDisruptionBudget: the canary pods carry none', () => {
    for (const [apiVersion, kind] of [['security.istio.io/v1', 'PeerAuthentication'], ['policy/v1', 'PodDisruptionBudget']] as const) {
      const o = obj(apiVersion, kind, { spec: { selector: { matchLabels: { app: 'web', 'istio.io/rev': '1-30' } } } });
      expect((rewrite(o).copy['spec'] as { selector: unknown }).selector, kind).toEqual({ matchLabels: { app: 'web' } });
    }
  });

  it('leaves objects without references as they are', () => {
    const cm = obj('v1', 'ConfigMap', { data: { url: 'http://reviews.shop.svc:9080' } });
    const { copy, changes } = rewrite(cm);
    expect(changes).toEqual([]);
    expect(copy).toEqual(cm);
  });

  it("reports, by key, a ConfigMap's text that names the stable namespace", () => {
    const cm = obj('v1', 'ConfigMap', { data: { url: 'http://reviews.shop.svc:9080', peer: 'spiffe://cluster.local/ns/shop/sa/web', other: 'http://reviews.shopping.svc', plain: 'shop' } });
    expect(namespaceMentions(cm, 'shop')).toEqual(['url', 'peer']);
  });
});
