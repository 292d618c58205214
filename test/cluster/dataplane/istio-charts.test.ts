// The Istio stand-in charts installed with the real helm against the real apiserver: names,
// labels and selectors as Istio's charts render them, node pinning of ztunnel, and the trust
// rule (an istiod that does not trust a ztunnel's ServiceAccount leaves it not Ready).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, kube, must, CHARTS } from './support/env.js';
import { createNamespace, createNodes, deleteNamespaces, deleteNodes, testId } from './support/objects.js';
import { daemonSet, dsReady, ensureBase, installChart, isReady, podsOf, uninstall } from './support/mesh.js';
import { holdsFor, waitFor } from './support/poll.js';
import { join } from 'node:path';

const k = kube();
const id = testId();
const ns = `istio-sim-${id}`;
const rev = `sim-${id}`;
const ztunnel = `ztunnel-${rev}`;
let nodes: string[] = [];

beforeAll(async () => {
  await ensureBase();
  await createNamespace(k, ns);
  nodes = await createNodes(k, id, ['a', 'b', 'c']);
  for (const n of nodes.slice(0, 2)) await k.core.patchNode({ name: n, body: [{ op: 'add', path: '/metadata/labels/istio.io~1rev', value: rev }] });
});

afterAll(async () => {
  for (const r of [ztunnel, `istiod-${rev}`, `cni-${id}`]) await uninstall(r, ns);
  await deleteNamespaces(k, [ns]);
  await deleteNodes(k, nodes);
});

describe('istio stand-in charts', () => {
  it('base installs the Istio CRDs', async () => {
    const { stdout } = await helm(['get', 'manifest', 'istio-base', '-n', 'istio-system']);
    expect(stdout).toContain('name: authorizationpolicies.security.istio.io');
    expect(stdout).toContain('name: peerauthentications.security.istio.io');
  });

  it('accepts any --version for a local chart folder (helm ignores it there)', async () => {
    const out = await must(helm(['show', 'chart', join(CHARTS, 'istiod'), '--version', '1.30.3']), 'helm show chart');
    expect(out).toContain('name: istiod');
    await must(helm(['template', 'x', join(CHARTS, 'ztunnel'), '--version', '9.9.9']), 'helm template --version 9.9.9');
  });

  it('istiod with a revision gives a Ready istiod-<rev> Deployment and Service, labelled like Istio', async () => {
    await installChart('istiod', `istiod-${rev}`, ns, [`revision=${rev}`, 'profile=ambient']);
    const d = await k.apps.readNamespacedDeployment({ namespace: ns, name: `istiod-${rev}` });
    expect(d.status?.readyReplicas).toBe(1);
    expect(d.metadata?.labels).toMatchObject({ app: 'istiod', 'istio.io/rev': rev });
    expect(d.spec?.selector.matchLabels).toEqual({ app: 'istiod', 'istio.io/rev': rev });
    const env = Object.fromEntries((d.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PILOT_ENABLE_AMBIENT: 'true', CA_TRUSTED_NODE_ACCOUNTS: `${ns}/ztunnel` });
    const svc = await k.core.readNamespacedService({ namespace: ns, name: `istiod-${rev}` });
    expect(svc.spec?.selector).toEqual({ app: 'istiod', 'istio.io/rev': rev });
  });

  it('ztunnel with resourceName and a nodeSelector lands only on the labelled nodes, and stays not Ready while istiod does not trust it', async () => {
    await installChart('ztunnel', ztunnel, ns, [`revision=${rev}`, `resourceName=${ztunnel}`, `istioNamespace=${ns}`, `nodeSelector.istio\\.io/rev=${rev}`], { wait: false });
    const ds = await daemonSet(k, ns, ztunnel);
    expect(ds.spec?.selector.matchLabels).toEqual({ app: 'ztunnel' });
    expect(ds.metadata?.annotations?.['istio.io/rev']).toBe(rev);
    expect(ds.spec?.template.spec?.serviceAccountName).toBe(ztunnel);
    const refused = await waitFor('ztunnel pods refused their certificates', async () => {
      const pods = await podsOf(k, ns, ztunnel);
      const cert = (p: (typeof pods)[number]) => p.status?.conditions?.find((c) => c.type === 'sim.ambient-canary.dev/CertificateIssued');
      return pods.length === 2 && pods.every((p) => p.spec?.nodeName && p.status?.phase === 'Running' && cert(p)?.status === 'False' && !isReady(p)) && pods;
    });
    expect(refused.map((p) => p.spec?.nodeName).sort()).toEqual(nodes.slice(0, 2));
    expect(refused[0]!.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain('request authenticate failure');
    await holdsFor('numberReady == 0', async () => (await daemonSet(k, ns, ztunnel)).status?.numberReady === 0, 3000);
  });

  it('the same ztunnel turns Ready once its istiod trusts the name (trustedZtunnelName)', async () => {
    await installChart('istiod', `istiod-${rev}`, ns, [`revision=${rev}`, 'profile=ambient', `trustedZtunnelName=${ztunnel}`]);
    await dsReady(k, ns, ztunnel, 2);
  });

  it('revisionTags render Istio tag objects that never block pod creation', async () => {
    await installChart('istiod', `istiod-${rev}`, ns, [`revision=${rev}`, 'profile=ambient', `trustedZtunnelName=${ztunnel}`, `revisionTags={${rev}-tag}`]);
    const svc = await k.core.readNamespacedService({ namespace: ns, name: `istiod-revision-tag-${rev}-tag` });
    expect(svc.metadata?.labels).toMatchObject({ 'istio.io/tag': `${rev}-tag`, 'istio.io/rev': rev });
    await k.core.patchNamespace({ name: ns, body: [{ op: 'add', path: '/metadata/labels', value: { 'istio.io/rev': `${rev}-tag` } }] });
    await k.core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
  });

  it('cni runs istio-cni-node on every node, tainted ones included', async () => {
    await installChart('cni', `cni-${id}`, ns, ['profile=ambient'], { wait: false });
    const all = (await k.core.listNode()).items.length;
    await waitFor('istio-cni-node on every node', async () => (await daemonSet(k, ns, 'istio-cni-node')).status?.desiredNumberScheduled === all);
  });
});
