import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraError, OwnershipError } from '../../../src/domain/errors.js';
import { site } from '../../../src/kube/errors.js';
import type { CloneOptions } from '../../../src/kube/ports.js';
import { OWNED } from '../../../src/mesh/labels.js';
import { FROM_REV, TO_REV } from '../../support/demo-versions.js';
import { createFakeNode, createNamespace, deployment, kube, never, suffix } from './support.js';

const { client, ports } = kube();
const id = suffix();
const stable = `it-stable-${id}`;
const canary = `it-canary-${id}`;
const key = `it.ambient-canary.dev/canary-${id}`;
const cleanups: (() => Promise<void>)[] = [];
const node = `it-canary-node-${id}`;

const options = (): CloneOptions => ({
  placement: { nodeSelector: { [key]: TO_REV }, toleration: { key, operator: 'Equal', value: TO_REV, effect: 'NoSchedule' } },
  labels: { ...OWNED, 'ambient-canary.dev/run': `it-${id}` },
});

async function create(body: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void> {
  await client.call(site('create', body.kind, body.metadata.namespace, body.metadata.name), never, () => client.objects.create(body));
}

/** resourceVersions of what the clone wrote, to prove a second clone writes nothing. */
async function versions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [apiVersion, kind] of [['v1', 'ServiceAccount'], ['v1', 'ConfigMap'], ['v1', 'Service'], ['apps/v1', 'Deployment']] as const) {
    const list = await client.objects.list(apiVersion, kind, canary);
    for (const item of list.items) out[`${kind}/${item.metadata?.name}`] = item.metadata?.resourceVersion ?? '';
  }
  return out;
}

beforeAll(async () => {
  // The canary node, labelled and tainted as a run leaves it: only pinned pods land there.
  cleanups.push(await createFakeNode(client, node, { key, value: TO_REV, effect: 'NoSchedule' }, { [key]: TO_REV }));
  cleanups.push(await createNamespace(client, stable, false));
  cleanups.push(await createNamespace(client, canary, true));
  await create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: stable } });
  await create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: stable }, data: { greeting: 'hello' } } as never);
  await create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: stable }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } as never);
  await create(deployment(stable, 'web', 2, { serviceAccountName: 'web' }));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('WorkloadOps against the real apiserver', () => {
  it('clones the stable namespace into Ready pods pinned to the canary node', async () => {
    const report = await ports.workloads.cloneNamespace(stable, canary, options(), never);
    expect(report.copied).toEqual(
      expect.arrayContaining([`ServiceAccount ${canary}/web`, `ConfigMap ${canary}/web-config`, `Service ${canary}/web`, `Deployment ${canary}/web`]),
    );
    expect(report.copied.join()).not.toMatch(/kube-root-ca|ServiceAccount [^/]+\/default/);
    await ports.workloads.waitRollout(canary, 90_000, never);

    const pods = await client.core.listNamespacedPod({ namespace: canary });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toBe(node);
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    // The stable pods stayed off the tainted canary node.
    const stablePods = await client.core.listNamespacedPod({ namespace: stable });
    expect(stablePods.items.map((p) => p.spec?.nodeName)).not.toContain(node);
  });

  it('changes nothing when cloned again', async () => {
    const before = await versions();
    await ports.workloads.cloneNamespace(stable, canary, options(), never);
    expect(await versions()).toEqual(before);
  });

  it('applies the run’s own objects (a namespace, a ReferenceGrant) idempotently', async () => {
    const name = `it-applied-${id}`;
    cleanups.push(async () => void (await client.core.deleteNamespace({ name }).catch(() => undefined)));
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...OWNED, 'istio.io/dataplane-mode': 'ambient' } } },
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'from-routes', namespace: name, labels: { ...OWNED } },
        spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: stable }], to: [{ group: '', kind: 'Service' }] },
      },
    ];
    await ports.workloads.apply(objects, never);
    const grant = () => client.objects.read({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-routes', namespace: name } });
    const first = await grant();
    await ports.workloads.apply(objects, never);
    expect((await grant()).metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect((await client.core.readNamespace({ name })).metadata?.labels).toMatchObject({ ...OWNED, 'istio.io/dataplane-mode': 'ambient' });
  });

  it('refuses to apply an object without our label, writing nothing', async () => {
    const mine = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', namespace: canary, labels: { ...OWNED } } };
    const foreign = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foreign', namespace: canary } };
    await expect(ports.workloads.apply([mine, foreign], never)).rejects.toBeInstanceOf(OwnershipError);
    const names = (await client.core.listNamespacedConfigMap({ namespace: canary })).items.map((c) => c.metadata?.name);
    expect(names).not.toContain('mine');
  });

  it('waits for a DaemonSet on the canary node, and refuses to call one on no node ready', async () => {
    const daemonSet = (name: string, nodeSelector: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: stable },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { nodeSelector, tolerations: [options().placement.toleration], containers: [{ name: 'z', image: 'registry.example/fake:1' }] },
        },
      },
    });
    await create(daemonSet('pinned', { [key]: TO_REV }));
    await create(daemonSet('nowhere', { [key]: 'no-such-revision' }));
    await ports.workloads.waitDaemonSet(stable, 'pinned', 1, 60_000, never);
    const err = await ports.workloads.waitDaemonSet(stable, 'nowhere', 1, 1_500, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(new RegExp(`DaemonSet ${stable}/nowhere not ready within 2s: desired 0 \\(expected 1\\).*matches no node`));
  });

  it('sets the Gateway’s istio.io/rev label and keeps its others', async () => {
    await create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: stable, labels: { team: 'edge', 'istio.io/rev': FROM_REV } },
      spec: { gatewayClassName: 'it-none', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    } as never);
    await ports.workloads.setGatewayRevision({ namespace: stable, name: 'gw' }, TO_REV, never);
    const gw = await client.objects.read({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: stable } });
    expect(gw.metadata?.labels).toEqual({ team: 'edge', 'istio.io/rev': TO_REV });
  });

  it('names the Deployments that do not roll out, and why', async () => {
    await create(deployment(stable, 'stuck', 1, { nodeSelector: { [key]: 'no-such-node' } }));
    const err = await ports.workloads.waitRollout(stable, 1_500, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    const message = (err as Error).message;
    expect(message).toContain(`Deployment ${stable}/stuck: 1/1 updated, 0/1 available; Available=False`);
    expect(message).toMatch(/pod stuck-\S+ unschedulable: 0\/\d+ nodes are available/);
    expect(message).not.toContain(`Deployment ${stable}/web:`);
  });

  it('deletes an object a Helm release rendered only while it carries that release\'s annotations, cluster-scoped or namespaced', async () => {
    const release = { name: `it-istiod-${id}`, namespace: stable };
    const owner = { 'meta.helm.sh/release-name': release.name, 'meta.helm.sh/release-namespace': release.namespace };
    const webhook = (name: string, annotations: Record<string, string>) => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name, annotations },
    });
    const config = (name: string, annotations: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: stable, annotations } });
    const ref = (o: { apiVersion: string; kind: string; metadata: { name: string } }) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: stable });
    const ours = webhook(`it-tag-${id}`, owner);
    const other = webhook(`it-tag-other-${id}`, { ...owner, 'meta.helm.sh/release-name': 'someone-else' });
    const cm = config(`it-tag-${id}`, owner);
    for (const o of [ours, other, cm]) await create(o);
    cleanups.push(() => client.objects.delete(other).then(() => undefined));

    expect(await ports.workloads.deleteReleaseObject(ref(other), release, never)).toBe('not-owned');
    expect(await ports.workloads.deleteReleaseObject(ref(ours), release, never)).toBe('deleted');
    expect(await ports.workloads.deleteReleaseObject(ref(cm), release, never)).toBe('deleted');
    expect(await ports.workloads.deleteReleaseObject(ref(ours), release, never)).toBe('absent');
    const names = (await client.objects.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration')).items.map((w) => w.metadata?.name);
    expect(names).toContain(other.metadata.name);
    expect(names).not.toContain(ours.metadata.name);
    expect((await client.objects.list('v1', 'ConfigMap', stable)).items.map((c) => c.metadata?.name)).not.toContain(cm.metadata.name);
  });

  it('refuses to delete a namespace it did not create, and deletes its own', async () => {
    const err = await ports.workloads.deleteNamespace(stable, 10_000, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OwnershipError);
    expect((err as Error).message).toContain(`refusing to delete Namespace ${stable}`);
    expect((await client.core.readNamespace({ name: stable })).status?.phase).toBe('Active');

    expect(await ports.workloads.deleteNamespace(canary, 90_000, never)).toBe('deleted');
    expect(await ports.workloads.deleteNamespace(canary, 90_000, never)).toBe('absent');
  });
});
