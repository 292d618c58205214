import { resolveConfig } from '../../src/config/resolve.js';
import type { RunConfig } from '../../src/config/types.js';
import type { HTTPRoute } from '../../src/gateway-api/types.js';
import { OWNED } from '../../src/mesh/labels.js';
import { buildPlan, type Plan } from '../../src/plan/build.js';
import { FakeCluster } from './fake-cluster.js';

/** Settings as canary.yaml would give them, for tests: `config({ 'steps.bake': '1s' })`. */
export function config(values: Record<string, unknown> = {}): RunConfig {
  return resolveConfig({ values: { from: '1.29.6', to: '1.30.3', ...values }, fromFlags: new Set(), fileName: 'canary.yaml', requireVersions: true, env: {} });
}

export function plan(c: RunConfig): Plan {
  return buildPlan(c, {});
}

/** The user's route: one rule to the stable app, one unrelated rule with its own filters. */
export function userRoute(): HTTPRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'bookinfo', namespace: 'istio-ingress', generation: 1, resourceVersion: '1', annotations: { team: 'payments' } },
    spec: {
      parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }],
      hostnames: ['bookinfo.example.com'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'productpage', namespace: 'bookinfo-1-29-6', port: 9080 }], timeouts: { request: '10s' } },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-cdn', value: 'on' }] } }],
          backendRefs: [{ name: 'static', namespace: 'assets', port: 80 }],
        },
      ],
    },
  };
}

/**
 * A stable mesh on 1.29.6 that ambient-canary itself installed, the way the demo does
 * (test/cluster/demo/stable-mesh.sh): two stable nodes, one free; istiod-1-29-6 holding the
 * `default` tag; istio-base (not ours) with defaultRevision=1-29-6, a Helm release unless
 * `base` says it was applied otherwise ('kubectl') or is not there ('none').
 */
export function stableCluster(options: { stableOwned?: boolean; freeNodes?: number; base?: 'helm' | 'kubectl' | 'none' } = {}): FakeCluster {
  const owned = options.stableOwned ?? true;
  const nodes: Record<string, Record<string, string>> = { 'node-1': { 'istio.io/rev': '1-29-6' }, 'node-2': { 'istio.io/rev': '1-29-6' } };
  for (let i = 0; i < (options.freeNodes ?? 1); i++) nodes[`node-${3 + i}`] = {};
  const cluster = new FakeCluster({
    nodes,
    route: userRoute(),
    gateway: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'ingress', namespace: 'istio-ingress' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', protocol: 'HTTP', port: 18080 }] },
      status: { addresses: [{ type: 'IPAddress', value: '127.0.10.1' }] },
    },
    namespaces: { 'istio-system': {}, 'istio-ingress': {}, 'bookinfo-1-29-6': owned ? { ...OWNED, 'istio.io/dataplane-mode': 'ambient' } : { 'istio.io/dataplane-mode': 'ambient' } },
    releases: { 'istiod-1-29-6': owned, 'ztunnel-1-29-6': owned },
  });
  cluster.releases.set('ztunnel-1-29-6', { owned, args: ['nodeSelector.istio\\.io/rev=1-29-6'] });
  cluster.releases.set('istiod-1-29-6', { owned, args: ['revisionTags={default}'], tags: true });
  const base = options.base ?? 'helm';
  if (base !== 'none') cluster.base = { release: 'istio-base', namespace: 'istio-system', helm: base === 'helm', version: '1.29.6', defaultRevision: '1-29-6', status: 'deployed', revision: 1 };
  return cluster;
}
