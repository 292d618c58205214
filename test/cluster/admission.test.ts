// istiod's admission webhooks are live on the local cluster: the real istiod chart of release-1.31
// (revision of its own, in a namespace of its own, so the demo's mesh is left alone) installs its
// MutatingWebhookConfiguration and validator; kube-apiserver calls them through its egress
// selector and the simulator answers as that istiod (test/cluster/sim/admission, README
// "Admission: istiod's webhooks").
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connects, runDir } from './support/egress-proxy.js';

const kubeconfig = inject('kubeconfig');
const helm = inject('helm');
const clusterBin = inject('clusterBin');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const admission = kc.makeApiClient(AdmissionregistrationV1Api);

const id = randomBytes(3).toString('hex');
const revision = `adm-${id}`;
const istioNs = `adm-istio-${id}`;
const meshNs = `adm-mesh-${id}`;
const plainNs = `adm-plain-${id}`;
const release = `istiod-${revision}`;
const chartVersion = readFileSync(fileURLToPath(new URL('tools/istio-1.31/chart-version', import.meta.url)), 'utf8').split('\n').find((l) => l && !l.startsWith('#'))!;
const chart = `${clusterBin}/istio/${chartVersion}/istiod`;
// Outside istio-system the chart suffixes cluster-scoped names with the release namespace.
const injectorName = `istio-sidecar-injector-${revision}-${istioNs}`;
const validatorName = `istio-validator-${revision}-${istioNs}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


/** The status line the proxy answers a CONNECT with, as the apiserver would see it. */
function probeConnect(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(`${runDir}egress.sock`, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    socket.once('data', (d) => {
      resolve(d.toString().split('\r\n')[0]!);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

const podSpec = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}, hostNetwork = false): V1Pod => ({
  metadata: { name, labels: { app: 'adm', ...labels }, annotations },
  spec: { hostNetwork, containers: [{ name: 'app', image: 'example.invalid/app:1', ports: [{ containerPort: 9080 }] }] },
});
const createPod = (namespace: string, pod: V1Pod) => core.createNamespacedPod({ namespace, body: pod });
const names = (cs: { name: string }[] | undefined) => (cs ?? []).map((c) => c.name);
const scale = (replicas: number) =>
  apps.patchNamespacedDeploymentScale({ name: release, namespace: istioNs, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
const readyReplicas = async () => (await apps.readNamespacedDeployment({ name: release, namespace: istioNs })).status?.readyReplicas ?? 0;

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: meshNs, labels: { 'istio.io/rev': revision } } } });
  await core.createNamespace({ body: { metadata: { name: plainNs } } });
  await execa(helm, ['install', release, chart, '-n', istioNs, '--create-namespace', '--kubeconfig', kubeconfig, '--set', `revision=${revision}`,
    '--set', 'profile=ambient', '--set', `global.istioNamespace=${istioNs}`, '--wait', '--timeout', '2m']);
}, 180_000);

afterAll(async () => {
  await execa(helm, ['uninstall', release, '-n', istioNs, '--kubeconfig', kubeconfig, '--wait', '--timeout', '1m']).catch(() => undefined);
  for (const name of [meshNs, plainNs, istioNs]) await core.deleteNamespace({ name }).catch(() => undefined);
});

describe("istiod's webhooks on the local cluster", () => {
  it("gets the caBundle of the simulator's istiod CA on every injector webhook, and the validator switched to Fail", async () => {
    const bundle = Buffer.from(readFileSync(`${runDir}admission/ca.crt`, 'utf8')).toString('base64');
    const mwc = await until('the injector caBundle', async () => {
      const m = await admission.readMutatingWebhookConfiguration({ name: injectorName });
      return (m.webhooks ?? []).every((w) => w.clientConfig.caBundle === bundle) ? m : undefined;
    });
    expect(names(mwc.webhooks)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    const vwc = await until('the validator at Fail', async () => {
      const v = await admission.readValidatingWebhookConfiguration({ name: validatorName });
      return (v.webhooks ?? []).every((w) => w.clientConfig.caBundle === bundle && w.failurePolicy === 'Fail') ? v : undefined;
    });
    expect(vwc.webhooks?.[0]?.name).toBe('rev.validation.istio.io');
  });

  it('injects istio-proxy into a pod of a namespace labelled istio.io/rev=<rev>, as istiod of that revision', async () => {
    const pod = await createPod(meshNs, podSpec('injected', { version: 'v2' }));
    expect(names(pod.spec?.containers)).toEqual(['app', 'istio-proxy']);
    expect(names(pod.spec?.initContainers)).toEqual(['istio-init']);
    const proxy = pod.spec?.containers.find((c) => c.name === 'istio-proxy');
    expect(proxy?.image).toBe('registry.istio.io/testing/proxyv2:latest-distroless');
    expect(proxy?.env).toEqual(expect.arrayContaining([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'true' }, { name: 'CA_ADDR', value: `istiod-${revision}.${istioNs}.svc:15012` }]));
    expect(JSON.parse(pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}')).toEqual({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl'],
      imagePullSecrets: null,
      revision,
    });
    expect(pod.metadata?.labels).toMatchObject({ 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'adm', 'service.istio.io/canonical-revision': 'v2' });
    // The apiserver dialled the istiod Service's ClusterIP through the proxy, and named nothing.
    const svc = await core.readNamespacedService({ name: `istiod-${revision}`, namespace: istioNs });
    expect(await connects()).toContainEqual(expect.objectContaining({ target: `${svc.spec?.clusterIP}:443`, status: 200, detail: `${istioNs}/istiod-${revision}` }));
  });

  it('does not inject in a namespace without the label', async () => {
    const pod = await createPod(plainNs, podSpec('plain'));
    expect(names(pod.spec?.containers)).toEqual(['app']);
    expect(pod.metadata?.annotations?.['sidecar.istio.io/status']).toBeUndefined();
  });

  it('does not inject a pod labelled sidecar.istio.io/inject=false, nor one that says so by annotation or runs on the host network', async () => {
    // The label is excluded by the webhook's objectSelector; the other two reach the simulated
    // istiod, whose injectRequired says no.
    const byLabel = await createPod(meshNs, podSpec('opt-out-label', { 'sidecar.istio.io/inject': 'false' }));
    const byAnnotation = await createPod(meshNs, podSpec('opt-out-annotation', {}, { 'sidecar.istio.io/inject': 'false' }));
    const hostNetwork = await createPod(meshNs, podSpec('host-network', {}, {}, true));
    for (const pod of [byLabel, byAnnotation, hostNetwork]) {
      expect(names(pod.spec?.containers)).toEqual(['app']);
      expect(pod.metadata?.annotations?.['sidecar.istio.io/status']).toBeUndefined();
    }
  });

  it("refuses pods (failurePolicy Fail) while the revision's istiod is scaled to zero, and injects again once it is back", async () => {
    const svc = await core.readNamespacedService({ name: `istiod-${revision}`, namespace: istioNs });
    const webhookPort = `${svc.spec?.clusterIP}:443`;
    await scale(0);
    await until('istiod scaled to 0', async () => ((await readyReplicas()) === 0 ? true : undefined));
    // The simulator has seen it when its proxy refuses the istiod Service.
    await until('the proxy to refuse', async () => ((await probeConnect(webhookPort)).includes(' 503 ') ? true : undefined));
    const refused = await createPod(meshNs, podSpec('while-down')).then(
      () => 'created',
      (err: { body?: string }) => (JSON.parse(String(err.body)) as { message: string }).message,
    );
    expect(refused).toContain('failed calling webhook "rev.namespace.sidecar-injector.istio.io"');
    expect(refused).toMatch(/proxy error from \S*egress\.sock while dialing [0-9.]+:443, code 503: 503 no Ready istiod behind Service/);
    await expect(core.readNamespacedPod({ name: 'while-down', namespace: meshNs })).rejects.toMatchObject({ code: 404 });

    await scale(1);
    await until('istiod Ready again', async () => ((await readyReplicas()) > 0 ? true : undefined), 60_000);
    await until('the proxy to serve it', async () => ((await probeConnect(webhookPort)).includes(' 200 ') ? true : undefined));
    const back = await createPod(meshNs, podSpec('after-up'));
    expect(names(back.spec?.containers)).toEqual(['app', 'istio-proxy']);
  });
});
