import { randomBytes } from 'node:crypto';
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.js';
import { createKubePorts, type KubePorts } from '../../../src/kube/index.js';
import { site } from '../../../src/kube/errors.js';
import { done, notYet, pollUntil } from '../../../src/kube/poll.js';
import { OWNED } from '../../../src/mesh/labels.js';

/** The local cluster's kubeconfig, handed over by the global setup (test/support/cluster-setup.ts). */
export function clusterKubeconfig(): string {
  return inject('kubeconfig');
}

export const never = new AbortController().signal;

export function kube(): { client: KubeClient; ports: KubePorts } {
  const kubeconfig = clusterKubeconfig();
  return { client: createKubeClient({ kubeconfig }), ports: createKubePorts({ kubeconfig, pollMs: 200, toolVersion: 'test' }) };
}

export function suffix(): string {
  return randomBytes(3).toString('hex');
}

/** A namespace of the test's own; `owned` adds our ownership label. Returns a cleanup. */
export async function createNamespace(client: KubeClient, name: string, owned = true, extra: Record<string, string> = {}): Promise<() => Promise<void>> {
  const labels: Record<string, string> = { ...(owned ? { ...OWNED } : { 'it.ambient-canary.dev/test': 'true' }), ...extra };
  await client.call(site('create', 'Namespace', undefined, name), never, () => client.core.createNamespace({ body: { metadata: { name, labels } } }));
  return async () => {
    await client.core.deleteNamespace({ name }).catch(() => undefined);
  };
}

/**
 * A fake node of the test's own (kwok manages every node with its annotation), tainted from
 * birth so no other test's pods land on it, and deleted by the returned cleanup. Tests that
 * taint, drain or pin to a node use one, so they neither disturb nor are disturbed by the
 * other tests sharing the cluster.
 */
export async function createFakeNode(client: KubeClient, name: string, taint: V1Taint, labels: Record<string, string> = {}): Promise<() => Promise<void>> {
  const cidr = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0/24`;
  const body: V1Node = {
    metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'it-kwok', 'kubernetes.io/hostname': name, ...labels } },
    spec: { taints: [taint], podCIDR: cidr, podCIDRs: [cidr] },
    status: { allocatable: { cpu: '32', memory: '256Gi', pods: '110' }, capacity: { cpu: '32', memory: '256Gi', pods: '110' } },
  };
  await client.call(site('create', 'Node', undefined, name), never, () => client.core.createNode({ body }));
  // Ready, and the node lifecycle controller has lifted its not-ready taint (it does so a moment
  // later): a test that reads the node's taints must not see one come or go under it.
  const ready = async () => {
    const node = await client.core.readNode({ name });
    const isReady = (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    const lifted = !(node.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
    return isReady && lifted ? done(undefined) : notYet<undefined>(isReady ? 'still tainted not-ready' : 'not Ready');
  };
  await pollUntil(ready, { timeoutMs: 60_000, intervalMs: 200, signal: never });
  return async () => {
    await client.core.deleteNode({ name }).catch(() => undefined);
  };
}

/** A small Deployment; kwok makes its pods Ready on fake nodes. */
export function deployment(namespace: string, name: string, replicas: number, pod: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example/fake:1' }], ...pod },
      },
    },
  };
}
