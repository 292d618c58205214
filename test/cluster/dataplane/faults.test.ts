// Staged faults and data-plane breakage, per node: a ztunnel revision's faults hit exactly the
// pods on the nodes that ztunnel serves; they can be changed at run time with a plain annotate;
// two ztunnel DaemonSets on one node break that node; no ztunnel on a node fails its pods.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendRef } from '../sim/model/gateway-api.js';
import { kubectl, must } from './support/env.js';
import { faultValue, installChart, uninstall } from './support/mesh.js';
import { createGrant, createNamespace, createRoute } from './support/objects.js';
import { waitFor } from './support/poll.js';
import { ambientApp, gateway, installRevision, meshScene, routeSettled, teardown, type Scene } from './support/scene.js';
import { sample } from './support/traffic.js';

let s: Scene;
let url: string;
let stableRev: string;
let canaryRev: string;
let stable: string;
let canary: string;

const count = (t: Awaited<ReturnType<typeof sample>>, ns: string, status: number) => t.byHeaderStatus.get(`${ns} ${status}`) ?? 0;

beforeAll(async () => {
  s = await meshScene(['s', 'c']);
  [stableRev, canaryRev] = [`${s.rev}-s`, `${s.rev}-c`];
  [stable, canary] = [`sim-${s.id}-stable`, `sim-${s.id}-canary`];
  await s.k.core.patchNode({ name: s.nodes[0]!, body: [{ op: 'add', path: '/metadata/labels/istio.io~1rev', value: stableRev }] });
  await s.k.core.patchNode({ name: s.nodes[1]!, body: [{ op: 'add', path: '/metadata/labels/istio.io~1rev', value: canaryRev }] });
  await installRevision(s, stableRev, { 'istio.io/rev': stableRev });
  await installRevision(s, canaryRev, { 'istio.io/rev': canaryRev }, [faultValue('error-rate', '1'), faultValue('status-code', '500')]);
  await ambientApp(s, stable, { 'istio.io/rev': stableRev });
  await ambientApp(s, canary, { 'istio.io/rev': canaryRev });
  const gwNs = `sim-${s.id}-gw`;
  await createNamespace(s.k, gwNs);
  s.namespaces.push(gwNs);
  for (const ns of [stable, canary]) {
    await createGrant(s.k, { metadata: { name: 'from-gw', namespace: ns }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: gwNs }], to: [{ group: '', kind: 'Service' }] } });
  }
  url = await gateway(s, gwNs, stableRev, [{ name: 'http', port: 18080, protocol: 'HTTP' }]);
  const backends: BackendRef[] = [{ name: 'web', namespace: stable, port: 80 }, { name: 'web', namespace: canary, port: 80 }];
  await createRoute(s.k, { metadata: { name: 'app', namespace: gwNs }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: backends }] } });
  await routeSettled(s, gwNs, 'app');
}, 300_000);

afterAll(async () => teardown(s), 300_000);

async function annotateCanary(...pairs: string[]): Promise<void> {
  await must(kubectl(['annotate', '--overwrite', '-n', s.istioNs, 'daemonset', `ztunnel-${canaryRev}`, ...pairs]), 'kubectl annotate');
}

describe('staged faults and broken data planes', () => {
  it('hits only the pods on the faulty revision\'s nodes, with its status code and revision header', async () => {
    const t = await sample(url, 600, { header: 'x-sim-namespace' });
    expect([count(t, stable, 200), count(t, canary, 500)]).toEqual([t.byHeader.get(stable), t.byHeader.get(canary)]);
    expect(count(t, stable, 200)).toBeGreaterThan(200);
    expect(count(t, canary, 500)).toBeGreaterThan(200);
    const rev = await sample(url, 200, { header: 'x-sim-revision' });
    expect(rev.byHeaderStatus.get(`${canaryRev} 500`)).toBe(rev.byHeader.get(canaryRev));
  });

  it('takes a plain `kubectl annotate` at run time, latency and delayed start included', async () => {
    await annotateCanary('sim.ambient-canary.dev/error-rate=0');
    await waitFor('canary healthy', async () => count(await sample(url, 100, { header: 'x-sim-namespace' }), canary, 500) === 0);
    await annotateCanary('sim.ambient-canary.dev/latency-ms=400', 'sim.ambient-canary.dev/after-seconds=3');
    const early = await sample(url, 40, { header: 'x-sim-namespace', headers: {} });
    expect(early.maxLatencyMs).toBeLessThan(350);
    await waitFor('latency after 3 s', async () => (await sample(url, 20, { concurrency: 20 })).maxLatencyMs >= 400, { timeoutMs: 15_000, intervalMs: 500 });
    await annotateCanary('sim.ambient-canary.dev/latency-ms-', 'sim.ambient-canary.dev/after-seconds-');
  });

  it('breaks a node that runs ztunnels of two DaemonSets, and only that node', async () => {
    const extra = `ztunnel-${s.id}-extra`;
    await installChart('ztunnel', extra, s.istioNs, [`revision=${stableRev}`, `resourceName=${extra}`, `istioNamespace=${s.istioNs}`, `nodeSelector.istio\\.io/rev=${canaryRev}`], { wait: false });
    s.releases.push(extra);
    const broken = await waitFor('canary node broken', async () => {
      const t = await sample(url, 200, { header: 'x-sim-namespace' });
      return count(t, canary, 503) === t.byHeader.get(canary) && t;
    });
    expect(count(broken, stable, 200)).toBe(broken.byHeader.get(stable));
    await uninstall(extra, s.istioNs);
    await waitFor('canary node healthy again', async () => count(await sample(url, 100, { header: 'x-sim-namespace' }), canary, 200) > 0);
  });

  it('fails the pods of a node without a ztunnel (503, upstream connect error)', async () => {
    await uninstall(`ztunnel-${canaryRev}`, s.istioNs);
    const res = await waitFor('503 from the canary node', async () => {
      const r = await fetch(url, { headers: {} });
      return r.headers.get('x-sim-namespace') === canary && r.status === 503 && r;
    });
    expect(await res.text()).toContain('upstream connect error');
  });
});
