import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import { site } from '../../../src/kube/errors.js';
import { createFakeNode, createNamespace, deployment, kube, never, suffix } from './support.js';

const { client, ports } = kube();
const id = suffix();
const namespace = `it-drain-${id}`;
const key = `it.ambient-canary.dev/drain-${id}`;
const taint = { key, value: 'canary', effect: 'NoSchedule' } as const;
const cleanups: (() => Promise<void>)[] = [];
const name = `it-drain-${id}`;
const outside = `it-drain-outside-${id}`;

async function podsOnNode(ns = namespace): Promise<string[]> {
  const pods = await client.core.listNamespacedPod({ namespace: ns });
  return pods.items.filter((p) => p.spec?.nodeName === name && !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? '');
}

beforeAll(async () => {
  // The node's own taint keeps other tests' pods off it; ours tolerate it.
  const isolation = { key: `${key}-isolated`, value: 'yes', effect: 'NoSchedule' };
  cleanups.push(await createFakeNode(client, name, isolation));
  cleanups.push(await createNamespace(client, namespace, true, { 'istio.io/dataplane-mode': 'ambient' }));
  cleanups.push(await createNamespace(client, outside, true));
  const tolerations = [{ key: isolation.key, operator: 'Exists', effect: 'NoSchedule' }];
  const pinned = { nodeSelector: { 'kubernetes.io/hostname': name }, tolerations, terminationGracePeriodSeconds: 0 };
  await client.objects.create(deployment(namespace, 'web', 2, pinned));
  await client.objects.create(deployment(outside, 'batch', 1, pinned));
  await ports.workloads.waitRollout(namespace, 90_000, never);
  await ports.workloads.waitRollout(outside, 90_000, never);
  // Then the canary taint, as a canary node gets before its drain: replacements cannot come back.
  await ports.nodes.taint(name, taint, never);
  await client.call(site('create', 'PodDisruptionBudget', namespace, 'web'), never, () =>
    client.objects.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } }),
  );
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('drain against the real apiserver', () => {
  it('keeps trying while a PodDisruptionBudget refuses, then names the pods and the budget', async () => {
    const before = await podsOnNode();
    expect(before).toHaveLength(2);
    const err = await ports.nodes.drain(name, 3_000, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    const message = (err as Error).message;
    expect(message).toContain(`drain of node ${name} did not finish within 3s`);
    for (const pod of before) expect(message).toContain(`${namespace}/${pod}`);
    expect(message).toMatch(/disruption budget/i);
    expect(await podsOnNode()).toEqual(expect.arrayContaining(before));
  });

  it('evicts the pods once the budget allows it and waits until they are gone', async () => {
    await client.objects.delete({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace } });
    const before = await podsOnNode();
    const report = await ports.nodes.drain(name, 60_000, never);
    expect(report.evicted).toEqual(expect.arrayContaining(before.map((p) => `${namespace}/${p}`)));
    // The replacements cannot come back: the node is tainted against them.
    expect(await podsOnNode()).toEqual([]);
  });

  it('leaves pods outside the ambient mesh where they are: the ztunnel swap does not touch them', async () => {
    const stay = await podsOnNode(outside);
    expect(stay).toHaveLength(1);
    const report = await ports.nodes.drain(name, 30_000, never);
    expect(report.skipped).toEqual(expect.arrayContaining(stay.map((p) => `${outside}/${p}`)));
    expect(await podsOnNode(outside)).toEqual(stay);
  });
});
