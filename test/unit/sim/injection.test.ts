// istiod's injection decision (injectRequired), native sidecar detection, the template model and
// the patch, against what pkg/kube/inject and injection-template.yaml (release-1.31) do.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseMeshDefaults, renderSidecar, type TemplateInput } from '../../cluster/sim/admission/sidecar-template.js';
import {
  injectionPatch,
  injectRequired,
  kubeletSupportsNative,
  nativeSidecar,
  parseInjectorConfig,
  podOwner,
  type InjectorConfig,
} from '../../cluster/sim/mesh/injection.js';

const config = (over: Partial<InjectorConfig> = {}): InjectorConfig => ({ policy: 'enabled', neverInjectSelector: [], alwaysInjectSelector: [], injectedAnnotations: {}, ...over });
const pod = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}, spec: Partial<V1Pod['spec']> = {}): V1Pod => ({
  metadata: { namespace: 'app', labels, annotations },
  spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }], ...spec },
});
const inject = (p: V1Pod, c = config(), ns = 'app') => injectRequired(p, ns, c).inject;

describe('injectRequired', () => {
  it('injects by default under policy enabled, and not under disabled', () => {
    expect(inject(pod())).toBe(true);
    expect(inject(pod(), config({ policy: 'disabled' }))).toBe(false);
  });

  it('never injects a hostNetwork pod, even when asked', () => {
    expect(inject(pod({ 'sidecar.istio.io/inject': 'true' }, {}, { hostNetwork: true }))).toBe(false);
  });

  it('never injects in the namespaces istiod ignores', () => {
    for (const ns of ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) expect(inject(pod(), config(), ns)).toBe(false);
    expect(inject(pod(), config(), 'istio-system')).toBe(true);
  });

  it('follows the sidecar.istio.io/inject label both ways, whatever the policy', () => {
    expect(inject(pod({ 'sidecar.istio.io/inject': 'false' }))).toBe(false);
    expect(inject(pod({ 'sidecar.istio.io/inject': 'true' }), config({ policy: 'disabled' }))).toBe(true);
  });

  it('reads the legacy annotation when there is no label, and prefers the label when both are set', () => {
    expect(inject(pod({}, { 'sidecar.istio.io/inject': 'false' }))).toBe(false);
    expect(inject(pod({ 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }))).toBe(true);
    // An empty label still counts as present, and means "use the default".
    expect(inject(pod({ 'sidecar.istio.io/inject': '' }, { 'sidecar.istio.io/inject': 'false' }))).toBe(true);
  });

  it('falls back to the policy on a value that is neither true nor false', () => {
    expect(inject(pod({ 'sidecar.istio.io/inject': 'yes' }))).toBe(true);
    expect(inject(pod({ 'sidecar.istio.io/inject': 'enabled' }), config({ policy: 'disabled' }))).toBe(false);
  });

  it('applies neverInjectSelector, then alwaysInjectSelector, only without an explicit value', () => {
    const never = [{ matchLabels: { tier: 'batch' } }];
    const always = [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }];
    expect(inject(pod({ tier: 'batch' }), config({ neverInjectSelector: never }))).toBe(false);
    expect(inject(pod({ tier: 'web' }), config({ policy: 'disabled', alwaysInjectSelector: always }))).toBe(true);
    expect(inject(pod({ tier: 'batch' }), config({ policy: 'disabled', neverInjectSelector: never, alwaysInjectSelector: always }))).toBe(false);
    expect(inject(pod({ tier: 'batch', 'sidecar.istio.io/inject': 'true' }), config({ neverInjectSelector: never }))).toBe(true);
  });

  it('ignores empty selectors (they would match everything)', () => {
    expect(inject(pod(), config({ neverInjectSelector: [{}] }))).toBe(true);
    expect(inject(pod(), config({ policy: 'disabled', alwaysInjectSelector: [{ matchLabels: {} }] }))).toBe(false);
  });

  it('never injects under an illegal policy, even when asked', () => {
    expect(inject(pod({ 'sidecar.istio.io/inject': 'true' }), config({ policy: 'on' }))).toBe(false);
    expect(inject(pod(), parseInjectorConfig('not: [valid'))).toBe(false);
  });

  it('reads the config key the chart renders (policy, selectors, injectedAnnotations)', () => {
    const parsed = parseInjectorConfig('defaultTemplates: [sidecar]\npolicy: disabled\nalwaysInjectSelector:\n  []\nneverInjectSelector:\n  - matchLabels: {a: b}\ninjectedAnnotations:\n');
    expect(parsed).toEqual({ policy: 'disabled', alwaysInjectSelector: [], neverInjectSelector: [{ matchLabels: { a: 'b' } }], injectedAnnotations: {} });
  });
});

describe('native sidecars (ENABLE_NATIVE_SIDECARS, DetectNativeSidecar)', () => {
  const nodes = (...versions: string[]) => new Map(versions.map((v, i) => [`n${i}`, v]));
  it('auto: every node must run a kubelet of 1.33 or later that parses as a version', () => {
    expect(nativeSidecar(undefined, nodes('v1.37.2', 'v1.33.0'), pod())).toBe(true);
    expect(nativeSidecar('auto', nodes('v1.37.2', 'v1.32.9'), pod())).toBe(false);
    // kwok's fake nodes report "kwok-v0.8.0", which go-version refuses.
    expect(nativeSidecar('auto', nodes('kwok-v0.8.0'), pod())).toBe(false);
    expect(nativeSidecar('auto', new Map(), pod())).toBe(true);
  });
  it("auto: a pod already bound looks at its own node only", () => {
    expect(nativeSidecar('auto', nodes('v1.37.2', 'v1.20.0'), pod({}, {}, { nodeName: 'n0' }))).toBe(true);
  });
  it('true and false decide alone, and the pod annotation decides over both', () => {
    expect(nativeSidecar('true', nodes('v1.20.0'), pod())).toBe(true);
    expect(nativeSidecar('false', nodes('v1.37.0'), pod())).toBe(false);
    expect(nativeSidecar('true', new Map(), pod({}, { 'sidecar.istio.io/nativeSidecar': 'false' }))).toBe(false);
    expect(nativeSidecar('false', new Map(), pod({}, { 'sidecar.istio.io/nativeSidecar': 'true' }))).toBe(true);
  });
  it('parses kubelet versions as go-version does', () => {
    expect(['v1.33.0', '1.34', 'v1.35.1-gke.100', 'V1.40.0+k3s1'].map(kubeletSupportsNative)).toEqual([true, true, true, true]);
    expect(['v1.32.9', 'kwok-v0.8.0', '', 'v1'].map(kubeletSupportsNative)).toEqual([false, false, false, false]);
  });
});

// The values and mesh config the 1.31 istiod chart renders with --set profile=ambient.
const values = {
  revision: 'r1',
  global: {
    hub: 'registry.istio.io/testing', tag: 'latest', variant: 'distroless', istioNamespace: 'istio-system', pilotCertProvider: 'istiod',
    logging: { level: 'default:info' }, proxy_init: { image: 'proxyv2' }, imagePullSecrets: [],
    proxy: { image: 'proxyv2', clusterDomain: 'cluster.local', statusPort: 15020, logLevel: 'warning', includeIPRanges: '*', includeInboundPorts: '*', excludeIPRanges: '' },
  },
  pilot: { cni: { enabled: false, ambient: { enabled: true } } },
};
const mesh = parseMeshDefaults('defaultConfig:\n  image:\n    imageType: distroless\n  proxyMetadata:\n    ISTIO_META_ENABLE_HBONE: "true"\nenablePrometheusMerge: true\ntrustDomain: cluster.local\n');
const replicaSetPod: V1Pod = {
  metadata: { generateName: 'reviews-v1-5d8f-', namespace: 'app', labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d8f' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-v1-5d8f', uid: 'u', controller: true }] },
  spec: { containers: [{ name: 'reviews', image: 'example.invalid/reviews:1', ports: [{ containerPort: 9080 }] }], volumes: [{ name: 'kube-api-access-x', projected: { sources: [] } }] },
};
const input = (over: Partial<TemplateInput> = {}): TemplateInput => ({ pod: replicaSetPod, revision: 'r1', values, mesh, native: false, owner: podOwner(replicaSetPod), ...over });
const names = (cs: V1Container[] | undefined) => (cs ?? []).map((c) => c.name);
const env = (c: V1Container | undefined, name: string) => c?.env?.find((e) => e.name === name)?.value;

describe('the sidecar template', () => {
  it('adds istio-proxy with the chart image and istio-init without istio-cni', () => {
    const r = renderSidecar(input());
    expect(names(r.initContainers)).toEqual(['istio-init']);
    expect(r.containers[0]).toMatchObject({ name: 'istio-proxy', image: 'registry.istio.io/testing/proxyv2:latest-distroless', args: expect.arrayContaining(['proxy', 'sidecar']) });
    expect(r.initContainers[0]?.securityContext?.capabilities?.add).toEqual(['NET_ADMIN', 'NET_RAW']);
  });

  it('adds istio-validation instead when the values say pilot.cni.enabled', () => {
    const r = renderSidecar(input({ values: { ...values, pilot: { cni: { enabled: true } } } }));
    expect(names(r.initContainers)).toEqual(['istio-validation']);
    expect(r.initContainers[0]?.args).toEqual(expect.arrayContaining(['--run-validation', '--skip-rule-apply']));
    expect(r.annotations['sidecar.istio.io/interceptionMode']).toBe('REDIRECT');
  });

  it('renders the proxy as a native sidecar: an init container with restartPolicy Always, after istio-init', () => {
    const r = renderSidecar(input({ native: true }));
    expect(names(r.initContainers)).toEqual(['istio-init', 'istio-proxy']);
    expect(r.initContainers[1]?.restartPolicy).toBe('Always');
    expect(r.containers).toEqual([]);
  });

  it('adds no init container with interceptionMode NONE', () => {
    const p = { ...replicaSetPod, metadata: { ...replicaSetPod.metadata, annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } } };
    expect(renderSidecar(input({ pod: p })).initContainers).toEqual([]);
  });

  it('sets ISTIO_META_ENABLE_HBONE and the tunnel label from the ambient profile mesh config', () => {
    const r = renderSidecar(input());
    expect(env(r.containers[0], 'ISTIO_META_ENABLE_HBONE')).toBe('true');
    expect(r.labels['networking.istio.io/tunnel']).toBe('http');
    const plain = renderSidecar(input({ mesh: parseMeshDefaults('') }));
    expect(env(plain.containers[0], 'ISTIO_META_ENABLE_HBONE')).toBeUndefined();
    expect(plain.labels['networking.istio.io/tunnel']).toBeUndefined();
    expect(plain.containers[0]?.image).toBe('registry.istio.io/testing/proxyv2:latest-distroless');
  });

  it('labels and annotates as the template does (canonical name from the Deployment, istio.io/rev annotation)', () => {
    const r = renderSidecar(input());
    expect(r.labels).toEqual({ 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'reviews', 'service.istio.io/canonical-revision': 'v1', 'networking.istio.io/tunnel': 'http' });
    expect(r.annotations).toMatchObject({ 'istio.io/rev': 'r1', 'kubectl.kubernetes.io/default-container': 'reviews', 'prometheus.io/port': '15020' });
    expect(env(r.containers[0], 'ISTIO_META_OWNER')).toBe('kubernetes://apis/apps/v1/namespaces/app/deployments/reviews-v1');
    expect(env(r.containers[0], 'CA_ADDR')).toBe('istiod-r1.istio-system.svc:15012');
  });
});

describe('the injection patch', () => {
  const apply = (p: V1Pod, ops: ReturnType<typeof injectionPatch>): V1Pod => {
    const out = structuredClone(p) as unknown as Record<string, Record<string, unknown>>;
    for (const op of ops) {
      const [, top, field] = op.path.split('/') as [string, string, string];
      out[top] = { ...out[top], [field]: op.value };
    }
    return out as unknown as V1Pod;
  };

  it('yields the pod istiod would: proxy last, template volumes first, the status annotation with the revision', () => {
    const r = renderSidecar(input());
    const injected = apply(replicaSetPod, injectionPatch(replicaSetPod, r, 'r1', {}));
    expect(names(injected.spec?.containers)).toEqual(['reviews', 'istio-proxy']);
    expect(names(injected.spec?.initContainers)).toEqual(['istio-init']);
    expect((injected.spec?.volumes ?? []).map((v) => v.name).at(-1)).toBe('kube-api-access-x');
    expect(JSON.parse(injected.metadata?.annotations?.['sidecar.istio.io/status'] ?? '')).toEqual({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl'],
      imagePullSecrets: null,
      revision: 'r1',
    });
    expect(injected.metadata?.labels).toMatchObject({ app: 'reviews', 'security.istio.io/tlsMode': 'istio' });
  });

  it('puts istio-validation first and istio-init last among existing init containers; native: proxy right after them', () => {
    const withInit = { ...replicaSetPod, spec: { ...replicaSetPod.spec!, initContainers: [{ name: 'migrate', image: 'x' }] } };
    const cni = renderSidecar(input({ pod: withInit, values: { ...values, pilot: { cni: { enabled: true } } } }));
    expect(names(apply(withInit, injectionPatch(withInit, cni, 'r1', {})).spec?.initContainers)).toEqual(['istio-validation', 'migrate']);
    const plain = renderSidecar(input({ pod: withInit }));
    expect(names(apply(withInit, injectionPatch(withInit, plain, 'r1', {})).spec?.initContainers)).toEqual(['migrate', 'istio-init']);
    const native = renderSidecar(input({ pod: withInit, native: true }));
    const nativePod = apply(withInit, injectionPatch(withInit, native, 'r1', {}));
    expect(names(nativePod.spec?.initContainers)).toEqual(['istio-init', 'istio-proxy', 'migrate']);
    expect(JSON.parse(nativePod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '')).toMatchObject({ initContainers: ['istio-init', 'istio-proxy'], containers: null });
  });

  it('says revision "default" for a revisionless istiod, and lets injectedAnnotations override', () => {
    const r = renderSidecar(input({ revision: '' }));
    const injected = apply(replicaSetPod, injectionPatch(replicaSetPod, r, '', { 'example.com/x': 'y' }));
    expect(JSON.parse(injected.metadata?.annotations?.['sidecar.istio.io/status'] ?? '').revision).toBe('default');
    expect(injected.metadata?.annotations?.['istio.io/rev']).toBe('default');
    expect(injected.metadata?.annotations?.['example.com/x']).toBe('y');
  });
});
