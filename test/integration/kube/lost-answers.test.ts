import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/conflict.js';
import { createKubePorts, type KubePorts } from '../../../src/kube/index.js';
import { FaultProxy } from '../../support/fault-proxy.js';
import { startedRecord } from '../../support/run-record.js';
import { clusterKubeconfig, createNamespace, kube, never, suffix } from './support.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 9: a write the apiserver applied but whose answer never arrived (the connection
 * reset on the way back) is retried by the client and meets its own result. Each write
 * path must take that as success, not as someone else's object or change.
 */
const { client } = kube();
const namespace = `it-lost-${suffix()}`;
let proxy: FaultProxy;
let ports: KubePorts;
let cleanup: () => Promise<void>;
const retries: string[] = [];

beforeAll(async () => {
  cleanup = await createNamespace(client, namespace);
  proxy = await new FaultProxy({ kubeconfig: clusterKubeconfig(), rate: 0 }).start();
  const kubeconfig = proxy.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'canary-lost-')), 'kubeconfig'));
  ports = createKubePorts({ kubeconfig, toolVersion: 'test', pollMs: 200, onRetry: (line) => retries.push(line) });
});
afterAll(async () => {
  await proxy?.stop();
  await cleanup?.();
});

/** The next `method` request whose path contains `path` is applied, then its answer is lost. */
function loseNext(method: string, path: string): void {
  proxy.requests.length = 0;
  retries.length = 0;
  proxy.configure({ rate: 1, limit: 1, kinds: ['lost'], target: (r) => r.method === method && r.url.includes(path) });
}

describe('Given writes whose answers are lost after the apiserver applied them', () => {
  it('When the run record is created, Then the retry finds our own record and the run starts', async () => {
    loseNext('POST', '/configmaps');
    const stored = await ports.runStore(namespace).create(startedRecord('lost-create', { actor: { host: 'ci-1', ciJob: undefined } }), never);
    expect(stored.record.actor.host).toBe('ci-1');
    expect(proxy.counts().lost).toBe(1);
    expect(retries).toHaveLength(1);
  });

  it('When another run created the same record first, Then creating it is still refused', async () => {
    await ports.runStore(namespace).create(startedRecord('taken', { actor: { host: 'ci-1', ciJob: undefined } }), never);
    await expect(ports.runStore(namespace).create(startedRecord('taken', { actor: { host: 'ci-2', ciJob: undefined } }), never)).rejects.toBeInstanceOf(ConflictError);
  });

  it('When the run Lease is created, Then the lock is held by us', async () => {
    loseNext('POST', '/leases');
    const held = await ports.runLock(namespace).acquire('ci-1/pid-1', never);
    expect(proxy.counts().lost).toBe(1);
    expect((await ports.runLock(namespace).holder(never))?.holder).toBe('ci-1/pid-1');
    await held.release();
  });

  it('When an Event on the route is created, Then it is there once and nothing says it failed', async () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', namespace }, spec: { rules: [{ backendRefs: [{ name: 'shop', port: 80 }] }] } };
    await client.objects.create(route);
    const said: string[] = [];
    const events = ports.routeEvents({ route: { namespace, name: 'shop' }, instance: 'ci-1/pid-1', onError: (m) => said.push(m) });
    loseNext('POST', '/events');
    await events.record({ reason: 'CanaryVerdict', type: 'Normal', action: 'Judge', note: 'weight 10 passed' }, never);
    expect(proxy.counts().lost).toBe(1);
    expect(said).toEqual([]);
    const list = await client.events.listNamespacedEvent({ namespace });
    expect(list.items.filter((e) => e.reason === 'CanaryVerdict')).toHaveLength(1);
  });

  it('When a namespace is deleted, Then the delete is done, not refused', async () => {
    const doomed = `${namespace}-ns`;
    await createNamespace(client, doomed);
    loseNext('DELETE', `/namespaces/${doomed}`);
    await expect(ports.workloads.deleteNamespace(doomed, 60_000, never)).resolves.toBe('deleted');
    expect(proxy.counts().lost).toBe(1);
  });
});
