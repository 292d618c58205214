// The local cluster behaves like a real one where the product depends on it: fake nodes
// are Ready, the real scheduler places pods on them, kwok makes them Ready with IPs, Services
// get EndpointSlices, evictions honour PodDisruptionBudgets, and namespaces delete.
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  PolicyV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const discovery = kc.makeApiClient(DiscoveryV1Api);
const policy = kc.makeApiClient(PolicyV1Api);

const namespace = `cluster-it-${randomBytes(3).toString('hex')}`;
const labels = { app: 'web' };

/** Polls probe every 250 ms until it returns a value, or fails after timeoutMs. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const livePods = async () =>
  (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);

async function evict(name: string): Promise<number> {
  try {
    await core.createNamespacedPodEviction({ name, namespace, body: { metadata: { name, namespace } } });
    return 201;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('the local cluster', () => {
  it('lists its fake workers as Ready kwok nodes', async () => {
    const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items;
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const node of nodes) {
      expect(node.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
      expect(node.metadata?.labels?.['kubernetes.io/os']).toBe('linux');
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('schedules a Deployment onto the fake nodes and makes its pods Ready with IPs', async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web', labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] } },
        },
      },
    });
    await until('3 ready replicas', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace })).status?.readyReplicas === 3);
    const nodes = new Set((await core.listNode({ labelSelector: 'type=kwok' })).items.map((n) => n.metadata?.name));
    for (const pod of await livePods()) {
      expect(nodes.has(pod.spec?.nodeName)).toBe(true);
      expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(isReady(pod)).toBe(true);
    }
  });

  it('gives a Service an EndpointSlice with the ready pods', async () => {
    await core.createNamespacedService({ namespace, body: { metadata: { name: 'web' }, spec: { selector: labels, ports: [{ port: 80 }] } } });
    const ready = await until('3 ready endpoints', async () => {
      const slices = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=web' });
      const endpoints = slices.items.flatMap((s) => s.endpoints).filter((e) => e.conditions?.ready);
      return endpoints.length === 3 ? endpoints : undefined;
    });
    expect(ready.every((e) => e.addresses.length > 0)).toBe(true);
  });

  it('refuses an eviction that would break a PodDisruptionBudget (429), allows one that would not', async () => {
    const pdb = { metadata: { name: 'web' }, spec: { minAvailable: 3, selector: { matchLabels: labels } } };
    await policy.createNamespacedPodDisruptionBudget({ namespace, body: pdb });
    const status = async () => (await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace })).status;
    await until('the PDB to see 3 healthy pods', async () => (await status())?.currentHealthy === 3);
    const [victim] = await livePods();
    const name = victim?.metadata?.name ?? '';
    expect(await evict(name)).toBe(429);

    const current = await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace });
    await policy.replaceNamespacedPodDisruptionBudget({ name: 'web', namespace, body: { ...current, spec: { ...current.spec, minAvailable: 2 } } });
    await until('one disruption allowed', async () => (await status())?.disruptionsAllowed === 1);
    expect(await evict(name)).toBe(201);
    await until('the evicted pod to be gone', async () => !(await core.listNamespacedPod({ namespace })).items.some((p) => p.metadata?.name === name));
    await until('a Ready replacement', async () => (await livePods()).filter(isReady).length === 3);
  });

  it('finishes deleting a namespace with workloads in it', async () => {
    await core.deleteNamespace({ name: namespace });
    await until('the namespace to be gone', async () => {
      try {
        await core.readNamespace({ name: namespace });
        return false;
      } catch (e) {
        return e instanceof ApiException && e.code === 404;
      }
    }, 90_000);
  });
});
