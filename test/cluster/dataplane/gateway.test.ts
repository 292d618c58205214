// Which istiod programs a Gateway, and what the gateway serves without one: a Gateway whose
// revision has no Ready istiod says Programmed=False and answers 503 until it was programmed
// once; after that it keeps serving the last programmed routes, and route changes (and their
// status) wait for an istiod. Every Gateway has a loopback address of its own.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../sim/model/gateway-api.js';
import { installChart } from './support/mesh.js';
import { createGateway, createNamespace, createRoute, deployApp, getGateway, getRoute, patchRoute, TEST_LABEL, testToleration } from './support/objects.js';
import { waitFor } from './support/poll.js';
import { meshScene, routeSettled, teardown, type Scene } from './support/scene.js';
import { sample } from './support/traffic.js';

let s: Scene;
let ns: string;

const programmed = (g: Gateway) => g.status?.conditions?.find((c) => c.type === 'Programmed');

async function gatewayFor(name: string, rev: string): Promise<Gateway> {
  await createGateway(s.k, { metadata: { name, namespace: ns, labels: { 'istio.io/rev': rev } }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 18080, protocol: 'HTTP' }] } });
  return waitFor(`Gateway ${name} has an address`, async () => {
    const g = await getGateway(s.k, ns, name);
    return g.status?.addresses?.[0] && programmed(g) && g;
  });
}

const urlOf = (g: Gateway) => `http://${g.status!.addresses![0]!.value}:18080`;

beforeAll(async () => {
  s = await meshScene(['a']);
  ns = `sim-${s.id}-apps`;
  await createNamespace(s.k, ns);
  s.namespaces.push(ns);
  for (const app of ['one', 'two']) await deployApp(s.k, ns, app, { nodeSelector: { [TEST_LABEL]: s.id }, tolerations: [testToleration(s.id)] });
}, 300_000);

afterAll(async () => teardown(s), 300_000);

describe('gateway programming', () => {
  let url: string;

  it('says Programmed=False (Pending) and answers 503 while its revision has no istiod', async () => {
    const g = await gatewayFor('gw', s.rev);
    expect(programmed(g)).toMatchObject({ status: 'False', reason: 'Pending' });
    expect(programmed(g)?.message).toContain(`no istiod for revision ${s.rev}`);
    url = urlOf(g);
    await createRoute(s.k, { metadata: { name: 'r', namespace: ns }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'one', port: 80 }] }] } });
    const res = await fetch(url);
    expect([res.status, res.headers.get('x-sim-error')]).toEqual([503, 'gateway not programmed']);
    expect((await getRoute(s.k, ns, 'r')).status?.parents ?? []).toEqual([]);
  });

  it('is programmed once that istiod is Ready, and serves the route', async () => {
    await installChart('istiod', `istiod-${s.rev}`, s.istioNs, [`revision=${s.rev}`, 'profile=ambient', `global.istioNamespace=${s.istioNs}`]);
    s.releases.push(`istiod-${s.rev}`);
    await routeSettled(s, ns, 'r');
    expect(programmed(await getGateway(s.k, ns, 'gw'))).toMatchObject({ status: 'True', reason: 'Programmed' });
    const t = await sample(url, 50, { header: 'x-sim-service' });
    expect(t.byHeaderStatus.get(`${ns}/one 200`)).toBe(50);
  });

  it('keeps serving the last programmed routes while no istiod is Ready, and applies changes when one is back', async () => {
    const scale = (replicas: number) => s.k.apps.patchNamespacedDeploymentScale({ namespace: s.istioNs, name: `istiod-${s.rev}`, body: [{ op: 'replace', path: '/spec/replicas', value: replicas }] });
    await scale(0);
    await waitFor('Programmed=False', async () => programmed(await getGateway(s.k, ns, 'gw'))?.status === 'False');
    const changed = await patchRoute(s.k, ns, 'r', { rules: [{ backendRefs: [{ name: 'two', port: 80 }] }] });
    const stale = await sample(url, 50, { header: 'x-sim-service' });
    expect(stale.byHeaderStatus.get(`${ns}/one 200`)).toBe(50);
    const parent = (await getRoute(s.k, ns, 'r')).status?.parents?.[0];
    expect(parent?.conditions[0]?.observedGeneration).toBeLessThan(changed.metadata.generation!);
    await scale(1);
    await routeSettled(s, ns, 'r');
    const fresh = await sample(url, 50, { header: 'x-sim-service' });
    expect(fresh.byHeaderStatus.get(`${ns}/two 200`)).toBe(50);
  });

  it('gives every Gateway its own loopback address, so two can listen on the same port', async () => {
    const other = await gatewayFor('gw2', s.rev);
    const first = await getGateway(s.k, ns, 'gw');
    expect(other.status!.addresses![0]!.value).not.toBe(first.status!.addresses![0]!.value);
    expect(other.status!.addresses![0]!.value).toMatch(/^127\./);
    const res = await fetch(urlOf(other));
    expect(res.status).toBe(404);
  });
});
