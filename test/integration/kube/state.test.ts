import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/conflict.js';
import { InfraError, LockedError } from '../../../src/domain/errors.js';
import { createKubePorts } from '../../../src/kube/index.js';
import { startedRecord } from '../../support/run-record.js';
import { clusterKubeconfig, createNamespace, kube, never, suffix } from './support.js';

const { client, ports } = kube();
const namespace = `it-state-${suffix()}`;
let cleanup: () => Promise<void>;

/** A lock whose clock runs `aheadMs` in the future: it sees other holders' leases expire early. */
function lockAt(aheadMs: number, renewEveryMs = 60_000) {
  return createKubePorts({ kubeconfig: clusterKubeconfig(), lease: { durationSeconds: 15, renewEveryMs, now: () => Date.now() + aheadMs } }).runLock(namespace);
}

beforeAll(async () => {
  cleanup = await createNamespace(client, namespace);
});
afterAll(async () => cleanup());

describe('RunStore against the real apiserver', () => {
  const store = () => ports.runStore(namespace);

  it('creates once, then saves only from the version it read (compare-and-swap)', async () => {
    const created = await store().create(startedRecord('a'), never);
    await expect(store().create(startedRecord('a'), never)).rejects.toBeInstanceOf(ConflictError);

    const saved = await store().save(created, { ...created.record, weight: 10, phase: 'steps' }, never);
    expect(saved.version).not.toBe(created.version);
    await expect(store().save(created, { ...created.record, weight: 50 }, never)).rejects.toBeInstanceOf(ConflictError);

    const loaded = await store().load('a', never);
    expect(loaded?.record.weight).toBe(10);
    expect(loaded?.version).toBe(saved.version);
    expect(await store().load('nope', never)).toBeUndefined();
  });

  it('finds the running run first, else the newest', async () => {
    const done = await store().create(startedRecord('b', { startedAt: '2030-01-01T00:00:00Z', outcome: 'promoted' }), never);
    expect((await store().latest(never))?.record.id).toBe('a');
    const a = await store().load('a', never);
    await store().save(a!, { ...a!.record, outcome: 'aborted' }, never);
    expect((await store().latest(never))?.record.id).toBe(done.record.id);
  });

  it('refuses a record of a schema it does not know, naming the writer', async () => {
    await client.core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'canary-run-future', labels: { 'app.kubernetes.io/managed-by': 'ambient-canary', 'ambient-canary.dev/run': 'future' }, annotations: { 'ambient-canary.dev/written-by': 'ambient-canary/9.0.0' } },
        data: { 'record.json': JSON.stringify({ ...startedRecord('future'), schema: 9 }) },
      },
    });
    const err = await store().load('future', never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toContain('written by ambient-canary/9.0.0');
  });
});

describe('RunLock against the real apiserver', () => {
  it('lets exactly one of two racing runs hold the lease', async () => {
    const results = await Promise.allSettled([lockAt(0).acquire('run-one', never), lockAt(0).acquire('run-two', never)]);
    const held = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(LockedError);
    const winner = (refused[0]?.reason as LockedError).holder;
    expect(['run-one', 'run-two']).toContain(winner);

    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<ReturnType<typeof lockAt>['acquire']>>>).value.release();
    const next = await lockAt(0).acquire('run-three', never);
    await next.release();
  });

  it('takes over an expired lease, and the old holder learns it lost it', async () => {
    const old = await lockAt(0, 200).acquire('crashed-run', never);
    // A clock a minute ahead sees the 15 s lease long expired, without waiting for it.
    const taker = await lockAt(60_000).acquire('new-run', never);
    if (!old.lost.aborted) await once(old.lost, 'abort');
    expect(old.lost.reason).toBeInstanceOf(InfraError);
    expect((old.lost.reason as Error).message).toContain('held by another run');
    await expect(lockAt(0).acquire('third-run', never)).rejects.toBeInstanceOf(LockedError);
    await old.release();
    await taker.release();
  });
});
