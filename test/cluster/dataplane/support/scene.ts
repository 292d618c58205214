// A small ambient mesh of the test's own: fake nodes, one istiod revision and its trusted
// ztunnel pinned to those nodes, app namespaces in ambient, and a Gateway programmed by that
// istiod. Torn down completely by `teardown`.

import type { Gateway, HTTPRoute } from '../../sim/model/gateway-api.js';
import { kube, type Kube } from './env.js';
import { dsReady, ensureBase, ensureCni, installChart, uninstall } from './mesh.js';
import { createGateway, createNamespace, createNodes, deleteNamespaces, deleteNodes, deployApp, getGateway, getRoute, TEST_LABEL, testId, testToleration } from './objects.js';
import { waitFor } from './poll.js';

export interface Scene {
  k: Kube;
  id: string;
  rev: string;
  istioNs: string;
  nodes: string[];
  namespaces: string[];
  releases: string[];
}

export async function meshScene(nodeNames: string[], nodeLabels: Record<string, string> = {}): Promise<Scene> {
  const k = kube();
  const id = testId();
  const scene: Scene = { k, id, rev: `sim-${id}`, istioNs: `istio-sim-${id}`, nodes: [], namespaces: [], releases: [] };
  await ensureBase();
  await ensureCni();
  scene.nodes = await createNodes(k, id, nodeNames, nodeLabels);
  await createNamespace(k, scene.istioNs);
  scene.namespaces.push(scene.istioNs);
  return scene;
}

/** istiod-<rev> trusting ztunnel-<rev>, and that ztunnel on the nodes carrying `selector` (`ztunnelStrings`: --set-string values). */
export async function installRevision(s: Scene, rev: string, selector: Record<string, string>, ztunnelStrings: string[] = []): Promise<void> {
  const z = `ztunnel-${rev}`;
  await installChart('istiod', `istiod-${rev}`, s.istioNs, [`revision=${rev}`, 'profile=ambient', `global.istioNamespace=${s.istioNs}`, `trustedZtunnelName=${z}`]);
  s.releases.push(`istiod-${rev}`, z);
  const sel = Object.entries(selector).map(([key, v]) => `nodeSelector.${key.replace(/\./g, '\\.')}=${v}`);
  await installChart('ztunnel', z, s.istioNs, [`revision=${rev}`, `resourceName=${z}`, `istioNamespace=${s.istioNs}`, ...sel], { wait: false, strings: ztunnelStrings });
  const count = s.nodes.length === 0 ? 0 : (await s.k.core.listNode({ labelSelector: Object.entries(selector).map(([a, b]) => `${a}=${b}`).join(',') })).items.length;
  await dsReady(s.k, s.istioNs, z, count);
}

/** An ambient namespace with an app `web` pinned to the given node label. */
export async function ambientApp(s: Scene, ns: string, nodeSelector: Record<string, string>, replicas = 2): Promise<void> {
  await createNamespace(s.k, ns, { 'istio.io/dataplane-mode': 'ambient' });
  s.namespaces.push(ns);
  await deployApp(s.k, ns, 'web', { replicas, nodeSelector: { [TEST_LABEL]: s.id, ...nodeSelector }, tolerations: [testToleration(s.id)] });
}

/** A Gateway labelled istio.io/rev=<rev>; resolves to its URL once it is Programmed. */
export async function gateway(s: Scene, ns: string, rev: string, listeners: Gateway['spec']['listeners']): Promise<string> {
  await createGateway(s.k, { metadata: { name: 'gw', namespace: ns, labels: { 'istio.io/rev': rev } }, spec: { gatewayClassName: 'istio', listeners } });
  const gw = await waitFor(`Gateway ${ns}/gw Programmed`, async () => {
    const g = await getGateway(s.k, ns, 'gw');
    return g.status?.conditions?.some((c) => c.type === 'Programmed' && c.status === 'True') && g;
  });
  return `http://${gw.status!.addresses![0]!.value}:${listeners[0]!.port}`;
}

/** Waits until the route's parents report Accepted and ResolvedRefs (as given) at its current generation. */
export async function routeSettled(s: Scene, ns: string, name: string, resolved: string = 'True'): Promise<HTTPRoute> {
  return waitFor(`HTTPRoute ${ns}/${name} settled`, async () => {
    const r = await getRoute(s.k, ns, name);
    const parent = r.status?.parents?.find((p) => p.controllerName === 'istio.io/gateway-controller');
    const at = (t: string) => parent?.conditions.find((c) => c.type === t && c.observedGeneration === r.metadata.generation);
    return at('Accepted')?.status === 'True' && at('ResolvedRefs')?.status === resolved && r;
  }, { intervalMs: 20 });
}

export async function teardown(s: Scene): Promise<void> {
  for (const r of [...s.releases].reverse()) await uninstall(r, s.istioNs);
  await deleteNamespaces(s.k, s.namespaces);
  await deleteNodes(s.k, s.nodes);
}
