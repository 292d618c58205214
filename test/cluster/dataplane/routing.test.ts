// Gateway API routing through the simulated Istio gateway: weights give the expected split
// (chi-square at p = 0.001 over 2,000 requests), a header match beats the weighted rule, status
// follows the route's generation, and backend references are checked like Istio checks them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendRef, HTTPRoute } from '../sim/model/gateway-api.js';
import { createGrant, createNamespace, createRoute, getRoute, patchRoute, TEST_LABEL } from './support/objects.js';
import { waitFor } from './support/poll.js';
import { ambientApp, gateway, installRevision, meshScene, routeSettled, teardown, type Scene } from './support/scene.js';
import { chiSquare, CHI2_P001, sample } from './support/traffic.js';

let s: Scene;
let url: string;
let gwNs: string;
let stable: string;
let canary: string;
const N = 2000;

const backends = (ws: number, wc: number): BackendRef[] => [
  { name: 'web', namespace: stable, port: 80, weight: ws },
  { name: 'web', namespace: canary, port: 80, weight: wc },
];

function route(rules: HTTPRoute['spec']['rules'], name = 'app', parent: { sectionName?: string } = {}): HTTPRoute {
  return { metadata: { name, namespace: gwNs }, spec: { parentRefs: [{ name: 'gw', namespace: gwNs, ...parent }], rules } };
}

beforeAll(async () => {
  s = await meshScene(['a', 'b']);
  [stable, canary, gwNs] = [`sim-${s.id}-stable`, `sim-${s.id}-canary`, `sim-${s.id}-gw`];
  await installRevision(s, s.rev, { [TEST_LABEL]: s.id });
  await ambientApp(s, stable, {});
  await ambientApp(s, canary, {});
  await createNamespace(s.k, gwNs);
  s.namespaces.push(gwNs);
  for (const ns of [stable, canary]) {
    await createGrant(s.k, { metadata: { name: 'from-gw', namespace: ns }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: gwNs }], to: [{ group: '', kind: 'Service' }] } });
  }
  url = await gateway(s, gwNs, s.rev, [
    { name: 'http', port: 18080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'same-only', port: 18081, protocol: 'HTTP' },
  ]);
  await createRoute(s.k, route([{ matches: [{ headers: [{ name: 'traffic', value: 'test' }] }], backendRefs: backends(0, 1) }, { backendRefs: backends(100, 0) }]));
  await routeSettled(s, gwNs, 'app');
}, 300_000);

afterAll(async () => teardown(s), 300_000);

describe('weighted routing through the simulated gateway', () => {
  for (const [ws, wc] of [[90, 10], [50, 50], [0, 100]] as const) {
    it(`splits ${ws}/${wc} within the chi-square bound over ${N} requests`, async () => {
      await patchRoute(s.k, gwNs, 'app', { rules: [{ matches: [{ headers: [{ name: 'traffic', value: 'test' }] }], backendRefs: backends(0, 1) }, { backendRefs: backends(ws, wc) }] });
      await routeSettled(s, gwNs, 'app');
      const t = await sample(url, N, { header: 'x-sim-namespace' });
      expect(t.byStatus.get(200)).toBe(N);
      const chi = chiSquare({ [stable]: t.byHeader.get(stable) ?? 0, [canary]: t.byHeader.get(canary) ?? 0 }, { [stable]: ws / 100, [canary]: wc / 100 });
      console.log(`weights ${ws}/${wc}: stable=${t.byHeader.get(stable) ?? 0} canary=${t.byHeader.get(canary) ?? 0} chi2=${chi.toFixed(3)}`);
      expect(chi).toBeLessThan(CHI2_P001[1]!);
    });
  }

  it('sends a header match to its backend whatever the weights of the catch-all rule', async () => {
    await patchRoute(s.k, gwNs, 'app', { rules: [{ matches: [{ headers: [{ name: 'traffic', value: 'test' }] }], backendRefs: backends(0, 1) }, { backendRefs: backends(100, 0) }] });
    await routeSettled(s, gwNs, 'app');
    const tagged = await sample(url, 300, { header: 'x-sim-namespace', headers: { traffic: 'test' } });
    const plain = await sample(url, 300, { header: 'x-sim-namespace' });
    expect([tagged.byHeader.get(canary), plain.byHeader.get(stable)]).toEqual([300, 300]);
  });
});

describe('HTTPRoute status', () => {
  it('reports Accepted and ResolvedRefs at each new generation within ~100 ms', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      const patched = await patchRoute(s.k, gwNs, 'app', { rules: [{ backendRefs: backends(100 - i, i) }] });
      const settled = await routeSettled(s, gwNs, 'app');
      times.push(Date.now() - before);
      expect(settled.metadata.generation).toBe(patched.metadata.generation);
    }
    console.log(`route change -> status at new generation: ${times.join(', ')} ms`);
    expect(Math.min(...times)).toBeLessThan(250);
  });

  it('says ResolvedRefs=False/RefNotPermitted for a Service in another namespace without a ReferenceGrant, and 500 for its share', async () => {
    const other = `sim-${s.id}-other`;
    await createNamespace(s.k, other);
    s.namespaces.push(other);
    await createRoute(s.k, route([{ matches: [{ path: { type: 'PathPrefix', value: '/other' } }], backendRefs: [{ name: 'web', namespace: other, port: 80 }] }], 'no-grant'));
    const r = await routeSettled(s, gwNs, 'no-grant', 'False');
    expect(r.status?.parents?.[0]?.conditions.find((c) => c.type === 'ResolvedRefs')?.reason).toBe('RefNotPermitted');
    expect((await fetch(`${url}/other`)).status).toBe(500);
    await createGrant(s.k, { metadata: { name: 'from-gw', namespace: other }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: gwNs }], to: [{ group: '', kind: 'Service' }] } });
    const fixed = await waitFor('BackendNotFound once permitted', async () => {
      const x = await routeSettled(s, gwNs, 'no-grant', 'False');
      return x.status?.parents?.[0]?.conditions.find((c) => c.type === 'ResolvedRefs')?.reason === 'BackendNotFound' && x;
    });
    expect(fixed).toBeTruthy();
  });

  it('refuses a route from another namespace on a listener that allows only its own', async () => {
    const foreign = { metadata: { name: 'foreign', namespace: stable }, spec: { parentRefs: [{ name: 'gw', namespace: gwNs, sectionName: 'same-only' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } };
    await createRoute(s.k, foreign);
    const r = await waitFor('NotAllowedByListeners', async () => {
      const x = await getRoute(s.k, stable, 'foreign');
      return x.status?.parents?.[0]?.conditions.find((c) => c.type === 'Accepted' && c.status === 'False') ?? false;
    });
    expect(r.reason).toBe('NotAllowedByListeners');
  });
});
