// The admission side of the simulated istiod: what a CONNECT from the apiserver's egress selector
// reaches, the certificates its webhook port serves, and its AdmissionReview answers.
import { X509Certificate } from 'node:crypto';
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createRoot, issueServing } from '../../cluster/sim/admission/ca.js';
import { istiodDnsNames, parseAuthority, resolveConnect } from '../../cluster/sim/admission/connect-target.js';
import { answerReview, parseInjectEnvs, type IstiodView } from '../../cluster/sim/admission/review.js';
import { parseMeshDefaults } from '../../cluster/sim/admission/sidecar-template.js';
import { bundlePatch } from '../../cluster/sim/controllers/webhook-ca.js';

const service = (name: string, ip: string, selector: Record<string, string>, targetPort: number | string = 15017): V1Service => ({
  metadata: { name, namespace: 'istio-system' },
  spec: { clusterIP: ip, clusterIPs: [ip], selector, ports: [{ port: 15012 }, { port: 443, targetPort: targetPort as never }] },
});
const istiod = (rev: string, ready: number): V1Deployment => ({
  metadata: { name: `istiod-${rev}`, namespace: 'istio-system', uid: rev, labels: { app: 'istiod', 'istio.io/rev': rev } },
  spec: {
    selector: {},
    template: {
      metadata: { labels: { app: 'istiod', 'istio.io/rev': rev, istio: 'istiod' } },
      spec: { containers: [{ name: 'discovery', env: [{ name: 'REVISION', value: rev }], ports: [{ name: 'https-webhooks', containerPort: 15017 }] }] },
    },
  },
  status: { readyReplicas: ready },
});
const services = [
  service('istiod-r1', '10.0.0.10', { app: 'istiod', 'istio.io/rev': 'r1' }),
  service('istiod-revision-tag-stable', '10.0.0.11', { app: 'istiod', 'istio.io/rev': 'r1' }),
  service('istiod-r2', '10.0.0.12', { app: 'istiod', 'istio.io/rev': 'r2' }),
  service('other', '10.0.0.13', { app: 'other' }, 8080),
  service('istiod-named', 'fd00::14', { app: 'istiod', 'istio.io/rev': 'r1' }, 'https-webhooks'),
];
const deployments = [istiod('r1', 1), istiod('r2', 0)];
const resolve = (target: string) => resolveConnect(target, services, deployments);

describe('CONNECT targets', () => {
  it('parses host:port, [v6]:port and refuses anything else', () => {
    expect(parseAuthority('10.0.0.10:443')).toEqual({ host: '10.0.0.10', port: 443 });
    expect(parseAuthority('[FD00::14]:443')).toEqual({ host: 'fd00::14', port: 443 });
    expect(parseAuthority('istiod-r1.istio-system.svc:443')).toEqual({ host: 'istiod-r1.istio-system.svc', port: 443 });
    for (const bad of ['10.0.0.10', 'host:0', 'host:70000', ':443', 'a b:443']) expect(parseAuthority(bad)).toBeUndefined();
  });

  it("maps a ClusterIP (the apiserver's service resolver) or a Service name to the revision's istiod", () => {
    for (const t of ['10.0.0.10:443', 'istiod-r1.istio-system.svc:443', 'istiod-r1.istio-system.svc.cluster.local:443', '[fd00::14]:443']) {
      expect(resolve(t)).toMatchObject({ ok: true, revision: 'r1', namespace: 'istio-system' });
    }
    expect(resolve('10.0.0.11:443')).toMatchObject({ ok: true, service: 'istio-system/istiod-revision-tag-stable', revision: 'r1' });
  });

  it('refuses with 503 while the istiod behind the Service is not Ready, or gone', () => {
    expect(resolve('10.0.0.12:443')).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('no Ready istiod behind Service istio-system/istiod-r2') });
    expect(resolveConnect('10.0.0.10:443', services, [])).toMatchObject({ ok: false, status: 503 });
  });

  it('refuses everything that is not an istiod webhook port, and never guesses', () => {
    expect(resolve('10.0.0.13:8080')).toMatchObject({ ok: false, status: 404 });
    expect(resolve('10.0.0.13:443')).toMatchObject({ ok: false, status: 403 });
    expect(resolve('10.0.0.10:15012')).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('not istiod\'s webhook port') });
    expect(resolve('10.255.0.1:10250')).toMatchObject({ ok: false, status: 404 });
    expect(resolve('example.com:443')).toMatchObject({ ok: false, status: 403 });
    expect(resolve('nope')).toMatchObject({ ok: false, status: 400 });
  });

  it("names istiod's certificate as getDNSNames does", () => {
    expect(istiodDnsNames(istiod('r1', 1))).toEqual(['istio-pilot.istio-system.svc', 'istiod-r1.istio-system.svc', 'istiod-remote.istio-system.svc', 'istiod.istio-system.svc']);
  });
});

describe('the CA', () => {
  it('issues serving certificates that verify against the root for the webhook Service name only', async () => {
    const root = await createRoot();
    const leaf = new X509Certificate((await issueServing(root, ['istiod-r1.istio-system.svc'])).certPem);
    const ca = new X509Certificate(root.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkHost('istiod-r1.istio-system.svc')).toBe('istiod-r1.istio-system.svc');
    expect(leaf.checkHost('istiod-revision-tag-stable.istio-system.svc')).toBeUndefined();
    expect(leaf.verify((new X509Certificate((await createRoot()).certPem)).publicKey)).toBe(false);
  });
});

const view = (over: Partial<IstiodView> = {}): IstiodView => ({
  revision: 'r1',
  injector: { config: { policy: 'enabled', neverInjectSelector: [], alwaysInjectSelector: [], injectedAnnotations: {} }, values: { global: { hub: 'h', tag: 't' } } },
  mesh: parseMeshDefaults(''),
  nativeMode: 'false',
  nodes: new Map(),
  ...over,
});
const review = (object: unknown, operation = 'CREATE') => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1', namespace: 'app', operation, object } });
const podObject = { metadata: { generateName: 'p-', labels: {} }, spec: { containers: [{ name: 'app', image: 'x' }] } };
const answer = (path: string, body: string, v = view(), type = 'application/json') => answerReview('POST', path, type, body, v);

describe('AdmissionReview answers', () => {
  it('/inject answers with the request uid and a base64 JSONPatch', () => {
    const a = answer('/inject', review(podObject));
    const doc = JSON.parse(a.body);
    expect(doc).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u-1', allowed: true, patchType: 'JSONPatch' } });
    const ops = JSON.parse(Buffer.from(doc.response.patch, 'base64').toString()) as { path: string; value: { name: string }[] }[];
    expect(ops.find((o) => o.path === '/spec/containers')?.value.map((c) => c.name)).toEqual(['app', 'istio-proxy']);
  });

  it('/inject allows without a patch when injectRequired says no', () => {
    const a = answer('/inject', review({ ...podObject, metadata: { labels: { 'sidecar.istio.io/inject': 'false' } } }));
    expect(JSON.parse(a.body).response).toEqual({ uid: 'u-1', allowed: true });
  });

  it('accepts the /inject/cluster/<id>/net/<network> forms and applies them to the proxy', () => {
    expect(parseInjectEnvs('/inject/cluster/c1/net/n--slash--1/')).toEqual({ ISTIO_META_CLUSTER_ID: 'c1', ISTIO_META_NETWORK: 'n/1' });
    const doc = JSON.parse(answer('/inject/cluster/c1/net/n1', review(podObject)).body);
    const ops = JSON.parse(Buffer.from(doc.response.patch, 'base64').toString()) as { path: string; value: unknown }[];
    const proxy = (ops.find((o) => o.path === '/spec/containers')?.value as { name: string; env: { name: string; value: string }[] }[])[1]!;
    expect(proxy.env.slice(-2)).toEqual([{ name: 'ISTIO_META_CLUSTER_ID', value: 'c1' }, { name: 'ISTIO_META_NETWORK', value: 'n1' }]);
    expect((ops.find((o) => o.path === '/metadata/labels')?.value as Record<string, string>)['topology.istio.io/network']).toBe('n1');
  });

  it('/validate allows, except the always-reject dry run of the validation controller', () => {
    expect(JSON.parse(answer('/validate', review({ metadata: { name: 'gw' } })).body).response).toEqual({ uid: 'u-1', allowed: true });
    const denied = JSON.parse(answer('/validate', review({ metadata: { annotations: { 'internal.istio.io/webhook-always-reject': 'true' } } })).body).response;
    expect(denied).toMatchObject({ allowed: false, result: { message: expect.stringContaining('annotation found, rejecting') } });
    expect(JSON.parse(answer('/validate', review({ metadata: { annotations: { 'internal.istio.io/webhook-always-reject': 'true' } } }, 'DELETE')).body).response.allowed).toBe(true);
  });

  it('answers like istiod to bad requests, and serves no /inject without the injector ConfigMap', () => {
    expect(answer('/inject', '').status).toBe(400);
    expect(answer('/inject', review(podObject), view(), 'text/plain').status).toBe(415);
    expect(answer('/inject', review(podObject), view({ injector: undefined })).status).toBe(404);
    expect(answer('/other', review(podObject)).status).toBe(404);
    expect(JSON.parse(answer('/inject', '{').body).response.allowed).toBe(false);
  });
});

describe("the webhook controllers' patch", () => {
  const webhooks = [
    { name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: {} },
    { name: 'rev.object.sidecar-injector.istio.io', clientConfig: { caBundle: 'B' } },
    { name: 'other.example.com', clientConfig: {} },
  ];
  it('sets the bundle of the injector webhooks only, guarded by their names, and nothing when up to date', () => {
    expect(bundlePatch(webhooks, 'B', (n) => n.endsWith('sidecar-injector.istio.io'), false)).toEqual([
      { op: 'test', path: '/webhooks/0/name', value: 'rev.namespace.sidecar-injector.istio.io' },
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'B' },
    ]);
    expect(bundlePatch(webhooks.slice(1, 2), 'B', () => true, false)).toEqual([]);
  });
  it('switches validators to Fail only when told the webhook is ready', () => {
    const validator = [{ name: 'rev.validation.istio.io', clientConfig: { caBundle: 'B' }, failurePolicy: 'Ignore' }];
    expect(bundlePatch(validator, 'B', () => true, false)).toEqual([]);
    expect(bundlePatch(validator, 'B', () => true, true).at(-1)).toEqual({ op: 'add', path: '/webhooks/0/failurePolicy', value: 'Fail' });
  });
});
