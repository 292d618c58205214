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
  namespaces: { stable, canary, toRevision: TO_REV },
  skip: [],
});
/** A Secret value no output, report or record may ever show. */
const SECRET_VALUE = `s3cr3t-${id}`;

/** As a user's kubectl would: the JSON as written (the client's typed models would drop a NetworkPolicy rule's `from`). */
async function create(body: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void> {
  await client.call(site('patch', body.kind, body.metadata.namespace, body.metadata.name), never, () => client.raw.applyRaw(body, 'it-user', true));
}

/** resourceVersions of what the clone wrote, to prove a second clone writes nothing. */
async function versions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const kinds = [['v1', 'ServiceAccount'], ['v1', 'Secret'], ['v1', 'ConfigMap'], ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'], ['networking.k8s.io/v1', 'NetworkPolicy'], ['security.istio.io/v1', 'PeerAuthentication'], ['security.istio.io/v1', 'AuthorizationPolicy'], ['v1', 'Service'], ['policy/v1', 'PodDisruptionBudget'], ['apps/v1', 'Deployment'], ['autoscaling/v2', 'HorizontalPodAutoscaler']] as const;
  for (const [apiVersion, kind] of kinds) {
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
  await create(deployment(stable, 'web', 2, { serviceAccountName: 'web', containers: [{ name: 'app', image: 'registry.example/fake:1', envFrom: [{ secretRef: { name: 'web-db' } }] }] }));
  await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-db', namespace: stable }, type: 'Opaque', stringData: { password: SECRET_VALUE } } as never);
  await create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'web-reader', namespace: stable }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } as never);
  await create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'web-reader', namespace: stable },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: stable }, { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
  } as never);
  await create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-ingress', namespace: stable },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': stable } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }] }] },
  } as never);
  // istio-base's CRDs are in every test cluster (test/support/cluster-setup.ts ensureStableMesh).
  await create({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'web-allow', namespace: stable },
    spec: { selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [`cluster.local/ns/${stable}/sa/web`, 'cluster.local/ns/istio-ingress/sa/ingress-istio'] } }] }] },
  } as never);
  await create({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'strict', namespace: stable }, spec: { mtls: { mode: 'STRICT' } } } as never);
  await create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: stable }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } } as never);
  await create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: stable },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  } as never);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('WorkloadOps against the real apiserver', () => {
  it('clones the stable namespace into Ready pods pinned to the canary node, with what they mount, run as and are protected by', async () => {
    const report = await ports.workloads.cloneNamespace(options(), never);
    // In apply order: what the pods need and what protects them before the pods.
    expect(report.copied).toEqual([
      'ServiceAccount/web',
      'Secret/web-db',
      'ConfigMap/web-config',
      'Role/web-reader',
      'RoleBinding/web-reader',
      'NetworkPolicy/web-ingress',
      'PeerAuthentication/strict',
      'AuthorizationPolicy/web-allow',
      'Service/web',
      'PodDisruptionBudget/web',
      'Deployment/web',
      'HorizontalPodAutoscaler/web',
    ]);
    expect(report.rewrites).toEqual([
      `RoleBinding/web-reader: subjects[0].namespace: ${stable} → ${canary}`,
      `NetworkPolicy/web-ingress: spec.ingress[0].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: ${stable} → ${canary}`,
      `AuthorizationPolicy/web-allow: spec.rules[0].from[0].source.principals: cluster.local/ns/${stable}/sa/web → cluster.local/ns/${canary}/sa/web`,
    ]);
    expect(JSON.stringify(report)).not.toContain(SECRET_VALUE);
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

    const secret = await client.core.readNamespacedSecret({ namespace: canary, name: 'web-db' });
    expect(Buffer.from(secret.data?.['password'] ?? '', 'base64').toString()).toBe(SECRET_VALUE);
    const binding = await client.objects.read({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'web-reader', namespace: canary } });
    expect((binding as unknown as { subjects: unknown[] }).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: canary },
      { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
    ]);
    // Written as read: the client's typed models would have dropped the rule's `from`, admitting every source.
    const [networkPolicy] = (await client.raw.listRaw('networking.k8s.io/v1', 'NetworkPolicy', canary)) as unknown as [{ spec: { ingress: unknown } }];
    expect(networkPolicy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': canary } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }] }]);
    const policy = await client.objects.read({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'web-allow', namespace: canary } });
    expect((policy as unknown as { spec: unknown }).spec).toEqual({ selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [`cluster.local/ns/${canary}/sa/web`, 'cluster.local/ns/istio-ingress/sa/ingress-istio'] } }] }] });
    const hpa = await client.objects.read({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: canary } });
    expect((hpa as unknown as { spec: { scaleTargetRef: unknown } }).spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
  });

  it('refuses, writing nothing, a namespace holding what no copy reproduces, and copies it once copy.skip accepts that', async () => {
    const from = `it-stable-job-${id}`;
    const to = `it-canary-job-${id}`;
    cleanups.push(await createNamespace(client, from, false));
    cleanups.push(await createNamespace(client, to, true));
    await create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: from }, data: { a: 'b' } } as never);
    await create({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: from }, spec: { schedule: '0 3 * * *', suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.example/fake:1' }] } } } } } } as never);
    const opts = { ...options(), namespaces: { stable: from, canary: to, toRevision: TO_REV } };
    const err = await ports.workloads.cloneNamespace(opts, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toContain('CronJob/nightly: a copy would run every schedule twice');
    expect((err as InfraError).fix).toContain('copy.skip: [CronJob/nightly]');
    expect((await client.core.listNamespacedConfigMap({ namespace: to })).items.map((c) => c.metadata?.name)).not.toContain('settings');

    const report = await ports.workloads.cloneNamespace({ ...opts, skip: ['CronJob/nightly'] }, never);
    expect(report.copied).toEqual(['ConfigMap/settings']);
    expect(report.accepted).toEqual(['CronJob/nightly: left out, as copy.skip accepts: a copy would run every schedule twice, side effects and all']);
    expect((await client.objects.list('batch/v1', 'CronJob', to)).items).toEqual([]);
  });

  it('changes nothing when cloned again', async () => {
    const before = await versions();
    await ports.workloads.cloneNamespace(options(), never);
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
