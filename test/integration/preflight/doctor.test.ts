// `canary doctor` against the real apiserver, on a stable mesh of the test's own (see mesh.ts):
// it passes there, and each check the local cluster can express is made to fail in the test's
// own namespaces, nodes and releases, asserting that the message says what to fix.
import { PatchStrategy, setHeaderOptions, V1MicroTime } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRevision } from '../../../src/domain/revision.js';
import { FROM, FROM_REV } from '../../support/demo-versions.js';
import { kube, suffix } from '../kube/support.js';
import { chartRef, createRoute, installIstiod, ownStableMesh, routeReported, withFlag, type OwnMesh } from './mesh.js';
import { canary, checkOf, createObject, doctor, fakeExecutable, helm, ownNamespace, waitFor } from './support.js';

const { client } = kube();
let m: OwnMesh;
/** Two minor versions past the demo's stable one: more than --max-minor-versions allows by default. */
const TWO_MINORS_AHEAD = ((v) => `${v.major}.${v.minor + 2}.0`)(parseRevision(FROM)!.version);

beforeAll(async () => {
  m = await ownStableMesh(client);
});

afterAll(async () => {
  await m?.cleanup();
});

describe('canary doctor on a healthy stable mesh', () => {
  it('passes: exit 0 and ok, every check passing (Kubernetes newer than Istio tested is only a warning)', async () => {
    const { code, report } = await doctor(m.flags);
    const notPassing = report.checks.filter((c) => c.status !== 'pass');
    expect(notPassing.every((c) => c.status === 'warn'), JSON.stringify(notPassing, null, 2)).toBe(true);
    expect(notPassing.map((c) => c.id).filter((id) => id !== 'kubernetes')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
    expect(checkOf(report, 'stable-ztunnel-ready').message).toBe(`ztunnel ztunnel-${FROM_REV} is Ready on every node labelled ${m.label}=${FROM_REV} (2)`);
    expect(checkOf(report, 'route-resolved').message).toMatch(/is Accepted with its backendRefs resolved/);
  });

  it('prints the same checks as a table grouped by phase', async () => {
    const ran = await canary(['doctor', ...m.flags]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^access\n {2}ok {4}cluster-reachable/m);
    expect(ran.stdout).toMatch(/^ownership\n/m);
    expect(ran.stdout).toMatch(/Ready for `canary upgrade`/);
  });
});

describe('doctor fails each check the local cluster can express, naming the fix', () => {
  it('from-installed: a --from revision that is not installed', async () => {
    const c = checkOf((await doctor(withFlag(m.flags, '--from', '1.29.5'))).report, 'from-installed');
    expect(c).toMatchObject({ status: 'fail', message: `revision 1-29-5 is not installed: no istiod-1-29-5 in ${m.istioNs}`, fix: expect.stringContaining(`check --from (installed revisions: ${FROM_REV})`) });
  });

  it('from-installed: an istiod with no Ready replica', async () => {
    const name = `istiod-${FROM_REV}`;
    const scale = (replicas: number) => client.apps.patchNamespacedDeploymentScale({ name, namespace: m.istioNs, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    // The real chart's HPA (autoscaleMin 2 in revisions/) sets the replicas; at 0 it stands aside, so put back what it had.
    const before = (await client.apps.readNamespacedDeployment({ name, namespace: m.istioNs })).spec?.replicas ?? 1;
    await scale(0);
    try {
      const { code, report } = await doctor(m.flags);
      expect(code).toBe(2);
      expect(checkOf(report, 'from-installed')).toMatchObject({ status: 'fail', message: `istiod ${name} has no Ready replica`, fix: `fix the running control plane first: kubectl -n ${m.istioNs} describe deployment ${name}` });
    } finally {
      await scale(before);
      await waitFor('istiod Ready again', async () => ((await client.apps.readNamespacedDeployment({ name, namespace: m.istioNs })).status?.readyReplicas === before ? true : undefined));
    }
  });

  it('ztunnel: an istio namespace with no ztunnel in it', async () => {
    const empty = `pf-${suffix()}-empty`;
    const remove = await ownNamespace(client, empty);
    try {
      const c = checkOf((await doctor(withFlag(m.flags, '--istio-namespace', empty))).report, 'ztunnel');
      expect(c).toMatchObject({ status: 'fail', message: `no ztunnel DaemonSet in ${empty}: this is not an ambient mesh`, fix: expect.stringMatching(new RegExp(`helm install ztunnel-${FROM_REV} istio/ztunnel .*or name the right --istio-namespace`)) });
    } finally {
      await remove();
    }
  });

  it('version-gap: a target two minor versions ahead', async () => {
    const c = checkOf((await doctor(withFlag(m.flags, '--to', TWO_MINORS_AHEAD))).report, 'version-gap');
    expect(c).toMatchObject({ status: 'fail', fix: expect.stringContaining('--max-minor-versions') });
  });

  it('sidecars-hbone: a pod with an istio-proxy sidecar without ISTIO_META_ENABLE_HBONE', async () => {
    const ns = `pf-${suffix()}-legacy`;
    const remove = await ownNamespace(client, ns);
    try {
      const spec = { nodeSelector: { 'preflight.ambient-canary.dev/nowhere': 'x' }, containers: [{ name: 'app', image: 'example.invalid/app:1' }, { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${FROM}`, env: [{ name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' }] }] };
      await createObject(client, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart-0', namespace: ns }, spec });
      const c = checkOf((await doctor(m.flags)).report, 'sidecars-hbone');
      expect(c.status).toBe('fail');
      expect(c.message).toContain(`${ns}: cart-0`);
      expect(c.fix).toContain(`--set profile=ambient), then restart them: kubectl -n ${ns} rollout restart deployment`);
    } finally {
      await remove();
    }
  });

  it('namespace-modes: a namespace labelled for sidecar injection and ambient', async () => {
    const ns = `pf-${suffix()}-mixed`;
    const remove = await ownNamespace(client, ns, { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' });
    try {
      const c = checkOf((await doctor(m.flags)).report, 'namespace-modes');
      expect(c).toMatchObject({ status: 'fail', message: expect.stringContaining(ns), fix: expect.stringContaining(`kubectl label namespace ${ns} istio-injection-`) });
    } finally {
      await remove();
    }
  });

  it('lock: a Lease held by another run, with its holder and since', async () => {
    const now = new V1MicroTime(Date.now());
    const body = { metadata: { name: 'ambient-canary', namespace: m.istioNs }, spec: { holderIdentity: 'ci-runner-7/pid-42', acquireTime: now, renewTime: now, leaseDurationSeconds: 600 } };
    await client.coordination.createNamespacedLease({ namespace: m.istioNs, body });
    try {
      const { code, report } = await doctor(m.flags);
      expect(code).toBe(2);
      expect(checkOf(report, 'lock')).toMatchObject({ status: 'fail', message: expect.stringMatching(/another run holds the lock: ci-runner-7\/pid-42 since \d{4}-/), fix: expect.stringContaining(`canary status --state-namespace ${m.istioNs}`) });
    } finally {
      await client.coordination.deleteNamespacedLease({ name: 'ambient-canary', namespace: m.istioNs });
    }
  });

  it('route-resolved: a route whose backend Service does not exist', async () => {
    await createRoute(client, m.routeNs, 'broken', { name: 'nope', namespace: m.stableNs, port: 80 });
    expect((await routeReported(client, m.routeNs, 'broken')).state).toBe('rejected');
    const { report } = await doctor(withFlag(m.flags, '--route', `${m.routeNs}/broken`));
    expect(checkOf(report, 'route').status).toBe('pass');
    expect(checkOf(report, 'route-resolved')).toMatchObject({ status: 'fail', message: expect.stringContaining('BackendNotFound'), fix: expect.stringContaining('names a Service that does not exist') });
  });

  it.each([
    ['stable-namespace', '--stable-namespace', () => `pf-${m.id}-gone`, /--stable-namespace/],
    ['gateway', '--gateway', () => `${m.routeNs}/gone`, /--gateway namespace\/name/],
    ['route', '--route', () => `${m.routeNs}/gone`, /--route namespace\/name/],
    ['canary-nodes', '--canary-nodes', () => `pf-${m.id}-gone`, /--canary-nodes/],
    ['canary-namespace', '--canary-namespace', () => m.routeNs, /--canary-namespace/],
  ])('%s: %s naming something absent or not ours', async (id, flag, value, fix) => {
    const c = checkOf((await doctor(withFlag(m.flags, flag, value()))).report, id);
    expect(c.status).toBe('fail');
    expect(c.fix).toMatch(fix);
  });

  it('stable-ztunnel-ready: a stable ztunnel its istiod does not trust (no certificates, never Ready)', async () => {
    const release = `ztunnel-${FROM_REV}`;
    await helm('upgrade', release, ...chartRef('ztunnel'), '-n', m.istioNs, '--reuse-values', '--set-string', 'resourceName=ztunnel-untrusted');
    try {
      // Helm replaces the DaemonSet (its name follows resourceName): wait until only the untrusted one is left.
      await waitFor('the trusted DaemonSet gone', async () => (await client.apps.readNamespacedDaemonSet({ name: release, namespace: m.istioNs }).then(() => undefined, () => true)));
      const c = checkOf((await doctor(m.flags)).report, 'stable-ztunnel-ready');
      expect(c).toMatchObject({ status: 'fail', message: expect.stringContaining(`not Ready on 2 node(s) labelled ${m.label}=${FROM_REV}: ${m.stableNodes.join(', ')}`), fix: expect.stringContaining(`kubectl -n ${m.istioNs} get pods -o wide -l app=ztunnel`) });
    } finally {
      await helm('upgrade', release, ...chartRef('ztunnel'), '-n', m.istioNs, '--reuse-values', '--set-string', `resourceName=${release}`, '--wait', '--timeout', '2m');
    }
  });

  it('istiod-ambient: a control plane installed without the ambient profile', async () => {
    // The repository serves only the demo's two versions: the stable version's real istiod chart,
    // without profile=ambient, in an Istio namespace of its own (the mesh's stays ambient).
    const plain = `pf-${suffix()}-plain`;
    const remove = await ownNamespace(client, plain);
    try {
      await installIstiod(plain, false);
      const c = checkOf((await doctor(withFlag(m.flags, '--istio-namespace', plain))).report, 'istiod-ambient');
      expect(c).toMatchObject({ status: 'fail', message: `istiod-${FROM_REV} runs without PILOT_ENABLE_AMBIENT=true, so it is not an ambient control plane`, fix: `helm upgrade istiod-${FROM_REV} istio/istiod -n ${plain} --reuse-values --set profile=ambient` });
    } finally {
      await helm('uninstall', `istiod-${FROM_REV}`, '-n', plain, '--wait').catch(() => undefined);
      await remove();
    }
  });
});

describe('doctor fails the tools checks, naming the fix', () => {
  it('helm: no helm where --helm points', async () => {
    const c = checkOf((await doctor(withFlag(m.flags, '--helm', '/nonexistent/helm'))).report, 'helm');
    expect(c).toMatchObject({ status: 'fail', message: 'helm was not found as "/nonexistent/helm"', fix: expect.stringContaining('Helm 3.13 or newer') });
  });

  it('helm: a helm older than 3.13 (no --labels)', async () => {
    const c = checkOf((await doctor(withFlag(m.flags, '--helm', fakeExecutable('v3.12.3+g3a31588')))).report, 'helm');
    expect(c).toMatchObject({ status: 'fail', message: expect.stringContaining('older than 3.13'), fix: expect.stringContaining('--helm') });
  });

  it('charts: a chart folder that does not exist', async () => {
    const c = checkOf((await doctor(withFlag(m.flags, '--chart-repo', './test/cluster/no-charts'))).report, 'charts');
    expect(c).toMatchObject({ status: 'fail', message: expect.stringContaining('not found in folder ./test/cluster/no-charts'), fix: expect.stringContaining('helm show chart ./test/cluster/no-charts/istiod') });
  });
});

describe('canary upgrade runs the same checks first', () => {
  it('stops with exit 2 and changes nothing when one fails', async () => {
    const canaryNs = `pf-${m.id}-canary`;
    const ran = await canary(['upgrade', ...withFlag(m.flags, '--to', TWO_MINORS_AHEAD), '-o', 'json']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/preflight\/version-gap: .*--max-minor-versions/);
    expect(ran.stderr).toContain('nothing was changed');
    const node = await client.core.readNode({ name: m.freeNode });
    expect(node.metadata?.labels?.[m.label]).toBeUndefined();
    expect((node.spec?.taints ?? []).map((t) => t.key)).not.toContain(m.label);
    await expect(client.core.readNamespace({ name: canaryNs })).rejects.toMatchObject({ code: 404 });
    const secrets = await client.core.listNamespacedSecret({ namespace: m.istioNs, labelSelector: 'owner=helm' });
    expect(new Set(secrets.items.map((s) => s.metadata?.labels?.['name']))).toEqual(new Set([`istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`]));
  });
});
