import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.js';
import { verdict } from '../../../src/domain/verdict.js';
import { abortRun, promoteRun, step } from '../../../src/orchestrator/advance.js';
import type { SessionOptions } from '../../../src/orchestrator/session.js';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { fakePorts, type FakeBehaviour } from '../../support/fake-ports.js';
import { stableCluster, userRoute } from '../../support/scenario.js';
import { runUpgrade, setup, type Run } from './harness.js';

const ID = '1-29-6-to-1-30-3';

function options(cluster: FakeCluster, run: Run, behaviour: FakeBehaviour = {}): SessionOptions {
  return { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan, behaviour), signal: run.controller.signal, progress: 'silent' };
}

function stored(cluster: FakeCluster) {
  const r = cluster.records.get(ID);
  if (!r) throw new Error('no record');
  return { record: structuredClone(r.record), version: String(r.version) };
}

async function pausedAt10(): Promise<{ cluster: FakeCluster; run: Run }> {
  const cluster = stableCluster();
  const run = setup({ 'steps.until': 10 });
  const result = await runUpgrade(cluster, run);
  expect(result.kind).toBe('paused');
  return { cluster, run: setup() };
}

describe('one weight step per CI job', () => {
  it('`upgrade --until 10` stops at 10%, then steps take it to 50 and 100, and promote finishes it', async () => {
    const { cluster, run } = await pausedAt10();
    expect(stored(cluster).record.weight).toBe(10);
    expect((await step(options(cluster, run), stored(cluster), undefined)).weight).toBe(50);
    expect((await step(options(cluster, run), stored(cluster), 100)).weight).toBe(100);
    const done = await promoteRun(options(cluster, run), stored(cluster));
    expect(done.outcome).toBe('promoted');
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-30-3', 'ztunnel-1-30-3']);
  });

  it('refuses to skip a step, naming the next one', async () => {
    const { cluster, run } = await pausedAt10();
    const error = await step(options(cluster, run), stored(cluster), 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/next step is 50%, not 100%/);
    expect(stored(cluster).record.weight).toBe(10);
  });

  it('refuses to promote before 100%', async () => {
    const { cluster, run } = await pausedAt10();
    await expect(promoteRun(options(cluster, run), stored(cluster))).rejects.toThrow(/at 10%: promote only after the 100% step/);
  });

  it('a failing step aborts the run, and a later step refuses to continue it', async () => {
    const { cluster, run } = await pausedAt10();
    await expect(step(options(cluster, run, { judge: () => verdict('fail', ['errors']) }), stored(cluster), undefined)).rejects.toThrow(/weight 50%/);
    expect(cluster.route.spec).toEqual(userRoute().spec);
    await expect(step(options(cluster, run), stored(cluster), undefined)).rejects.toThrow(/ended \(aborted.*start a new one with `canary upgrade/);
  });
});

describe('canary abort', () => {
  it('reverts a paused run from another process: traffic first, then everything the run added', async () => {
    const { cluster, run } = await pausedAt10();
    const before = cluster.journal.length;
    const record = await abortRun(options(cluster, run, { holder: 'other-host/pid-9' }), stored(cluster));
    expect(record.outcome).toBe('reverted');
    const revert = cluster.journal.slice(before);
    expect(revert[0]).toMatch(/^route rules bookinfo-1-29-6=100,bookinfo-1-30-3=0/);
    expect(cluster.route.spec).toEqual(userRoute().spec);
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-29-6', 'ztunnel-1-29-6']);
    expect(cluster.nodes.get('node-3')).toMatchObject({ labels: {}, taints: [] });
  });

  it('finishes a revert that was killed half-way', async () => {
    const { cluster, run } = await pausedAt10();
    let count = 0;
    cluster.beforeMutation = (op) => {
      if (op.startsWith('helm uninstall') && ++count >= 1) throw new Error('killed during revert');
    };
    await expect(abortRun(options(cluster, run), stored(cluster))).rejects.toMatchObject({ message: expect.stringMatching(/revert did not finish/), fix: expect.stringMatching(/run `canary abort` to finish it/) });
    cluster.beforeMutation = () => undefined;
    cluster.lease = undefined;
    await abortRun(options(cluster, run), stored(cluster));
    expect(cluster.route.spec).toEqual(userRoute().spec);
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-29-6', 'ztunnel-1-29-6']);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(false);
  });

  it('never deletes what it did not create: a foreign canary-named namespace stays', async () => {
    const { cluster, run } = await pausedAt10();
    cluster.namespaces.set('bookinfo-1-30-3', { team: 'someone-else' });
    await abortRun(options(cluster, run), stored(cluster));
    expect(cluster.namespaces.get('bookinfo-1-30-3')).toEqual({ team: 'someone-else' });
    expect(cluster.journal.some((l) => l === 'delete namespace bookinfo-1-30-3')).toBe(false);
  });
});

describe('promote with a stable revision ambient-canary did not install', () => {
  it('moves traffic and nodes but leaves the old namespace and releases, and says so', async () => {
    const cluster = stableCluster({ stableOwned: false });
    await runUpgrade(cluster, setup());
    expect(cluster.namespaces.has('bookinfo-1-29-6')).toBe(true);
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-29-6', 'istiod-1-30-3', 'ztunnel-1-29-6', 'ztunnel-1-30-3']);
    expect(cluster.journal.filter((l) => /delete namespace bookinfo-1-29-6|uninstall .*1-29-6|tag=default/.test(l))).toEqual([]);
    expect([...cluster.nodes.values()].every((n) => n.labels['istio.io/rev'] === '1-30-3')).toBe(true);
  });
});
