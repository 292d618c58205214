// Objects the data-plane tests create: fake nodes of their own (tainted, so nothing else lands
// there), namespaces, a Deployment+Service per app, Gateways and HTTPRoutes. Everything carries
// the test's id so that cleanup finds it.

import { PatchStrategy, setHeaderOptions, type V1Deployment, type V1Toleration } from '@kubernetes/client-node';
import type { Gateway, HTTPRoute, ReferenceGrant } from '../../sim/model/gateway-api.js';
import type { Kube } from './env.js';
import { waitFor } from './poll.js';

export const TEST_LABEL = 'sim.ambient-canary.dev/test';
const GW = { group: 'gateway.networking.k8s.io', version: 'v1' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function testId(): string {
  return Math.random().toString(36).slice(2, 7);
}

export function testToleration(id: string): V1Toleration {
  return { key: TEST_LABEL, operator: 'Equal', value: id, effect: 'NoSchedule' };
}

/** Fake kwok nodes only this test uses: labelled and tainted with its id. */
export async function createNodes(k: Kube, id: string, names: string[], labels: Record<string, string> = {}): Promise<string[]> {
  const octet = 100 + Math.floor(Math.random() * 150);
  const created = names.map((n) => `sim-${id}-${n}`);
  await Promise.all(
    created.map((name, i) =>
      k.core.createNode({
        body: {
          metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [TEST_LABEL]: id, ...labels } },
          spec: { podCIDR: `10.${octet}.${i}.0/24`, podCIDRs: [`10.${octet}.${i}.0/24`], taints: [{ key: TEST_LABEL, value: id, effect: 'NoSchedule' }] },
        },
      }),
    ),
  );
  await waitFor(`nodes ${created.join(', ')} Ready`, async () => {
    const nodes = await Promise.all(created.map((name) => k.core.readNode({ name })));
    return nodes.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  });
  return created;
}

export async function labelNode(k: Kube, name: string, labels: Record<string, string | null>): Promise<void> {
  await k.core.patchNode({ name, body: { metadata: { labels } } }, merge);
}

export async function deleteNodes(k: Kube, names: string[]): Promise<void> {
  await Promise.all(names.map((name) => k.core.deleteNode({ name }).catch(() => undefined)));
}

export async function createNamespace(k: Kube, name: string, labels: Record<string, string> = {}): Promise<void> {
  await k.core.createNamespace({ body: { metadata: { name, labels } } });
}

export async function deleteNamespaces(k: Kube, names: string[]): Promise<void> {
  await Promise.all(names.map((name) => k.core.deleteNamespace({ name }).catch(() => undefined)));
  await waitFor(`namespaces ${names.join(', ')} gone`, async () => {
    const left = await Promise.all(names.map((name) => k.core.readNamespace({ name }).then(() => true, () => false)));
    return left.every((x) => !x);
  }, { timeoutMs: 90_000, intervalMs: 500 });
}

export interface AppOptions {
  replicas?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
}

/** A Deployment and a Service named `name`; waits until the Service has `replicas` Ready endpoints. */
export async function deployApp(k: Kube, ns: string, name: string, opts: AppOptions = {}): Promise<void> {
  const replicas = opts.replicas ?? 1;
  const body: V1Deployment = {
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'example.com/app:1', ports: [{ containerPort: 8080 }] }], nodeSelector: opts.nodeSelector, tolerations: opts.tolerations },
      },
    },
  };
  await k.apps.createNamespacedDeployment({ namespace: ns, body });
  await k.core.createNamespacedService({ namespace: ns, body: { metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } } });
  await waitFor(`${ns}/${name} with ${replicas} Ready endpoints`, async () => (await readyEndpoints(k, ns, name)) === replicas, { timeoutMs: 60_000 });
}

export async function readyEndpoints(k: Kube, ns: string, service: string): Promise<number> {
  const slices = await k.discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: `kubernetes.io/service-name=${service}` });
  return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
}

export async function createGateway(k: Kube, gw: Gateway): Promise<void> {
  await k.custom.createNamespacedCustomObject({ ...GW, namespace: gw.metadata.namespace!, plural: 'gateways', body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...gw } });
}

export async function getGateway(k: Kube, ns: string, name: string): Promise<Gateway> {
  return (await k.custom.getNamespacedCustomObject({ ...GW, namespace: ns, plural: 'gateways', name })) as Gateway;
}

export async function createRoute(k: Kube, route: HTTPRoute): Promise<HTTPRoute> {
  return (await k.custom.createNamespacedCustomObject({ ...GW, namespace: route.metadata.namespace!, plural: 'httproutes', body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ...route } })) as HTTPRoute;
}

export async function getRoute(k: Kube, ns: string, name: string): Promise<HTTPRoute> {
  return (await k.custom.getNamespacedCustomObject({ ...GW, namespace: ns, plural: 'httproutes', name })) as HTTPRoute;
}

/** Merge-patches the route's spec (send whole `rules`: arrays are replaced); returns the result. */
export async function patchRoute(k: Kube, ns: string, name: string, spec: Partial<HTTPRoute['spec']>): Promise<HTTPRoute> {
  return (await k.custom.patchNamespacedCustomObject({ ...GW, namespace: ns, plural: 'httproutes', name, body: { spec } }, merge)) as HTTPRoute;
}

export async function createGrant(k: Kube, grant: ReferenceGrant): Promise<void> {
  await k.custom.createNamespacedCustomObject({
    group: 'gateway.networking.k8s.io', version: 'v1beta1', namespace: grant.metadata.namespace!, plural: 'referencegrants',
    body: { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', ...grant },
  });
}
