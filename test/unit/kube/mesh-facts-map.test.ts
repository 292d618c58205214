import type { V1DaemonSet, V1Lease, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { agentPodFacts, daemonSetFacts, leaseFacts, sidecarFacts } from '../../../src/kube/facts-map.js';
import { daemonSet } from '../mesh/fixtures/load.js';

const pod = (spec: V1Pod['spec'], labels: Record<string, string> = {}, annotations?: Record<string, string>, namespace = 'shop'): V1Pod => ({ metadata: { name: 'cart-1', namespace, labels, annotations }, spec });
const proxy = (env: { name: string; value?: string }[] = []) => ({ name: 'istio-proxy', image: 'istio/proxyv2:1.29.6', env });
/** The annotation istiod's injector writes (pkg/kube/inject/inject.go, SidecarInjectionStatus). */
const status = (revision: string, containers = ['istio-proxy']) => ({ 'sidecar.istio.io/status': JSON.stringify({ initContainers: ['istio-init'], containers, volumes: ['istio-envoy'], imagePullSecrets: null, revision }) });

describe('sidecarFacts', () => {
  it('finds an istio-proxy container without ISTIO_META_ENABLE_HBONE', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }, proxy()] }))).toEqual({ namespace: 'shop', name: 'cart-1', proxy: true, hbone: false, revision: undefined });
  });

  it('finds a native sidecar (an init container named istio-proxy) with HBONE', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }], initContainers: [{ ...proxy([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'true' }]), restartPolicy: 'Always' }] }))).toMatchObject({ proxy: true, hbone: true });
  });

  it('treats ISTIO_META_ENABLE_HBONE=false as no HBONE', () => {
    expect(sidecarFacts(pod({ containers: [proxy([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'false' }])] }))?.hbone).toBe(false);
  });

  it('takes the revision from the injector\'s status annotation, and its proxy by the name it records', () => {
    const renamed = { ...proxy([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'true' }]), name: 'envoy' };
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }, renamed] }, {}, status('1-30-4-dev', ['envoy'])))).toEqual({ namespace: 'shop', name: 'cart-1', proxy: true, hbone: true, revision: '1-30-4-dev' });
  });

  it('counts a pod marked injected but running no proxy, as istio-cni does (podHasSidecar: the annotation alone)', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }] }, {}, status('1-30-4-dev')))).toEqual({ namespace: 'shop', name: 'cart-1', proxy: false, hbone: false, revision: '1-30-4-dev' });
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }] }, {}, { 'sidecar.istio.io/status': 'not json' }))).toMatchObject({ proxy: false, revision: undefined });
  });

  it('skips pods without a sidecar', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }] }))).toBeUndefined();
  });

  describe('ztunnel, whose real chart names its container istio-proxy (fixtures/ztunnel-1.31.objects.yaml)', () => {
    const ds = daemonSet('ztunnel-1.31.objects.yaml');
    const template = ds.spec?.template;
    const real = (namespace: string): V1Pod => ({ metadata: { ...template?.metadata, name: 'ztunnel-abcde', namespace, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ztunnel', uid: 'u' }] }, spec: template?.spec });

    it('the rendered pod runs a container named istio-proxy and carries the labels istio-cni looks at', () => {
      expect(template?.spec?.containers.map((c) => c.name)).toEqual(['istio-proxy']);
      expect(template?.metadata?.labels).toMatchObject({ app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none' });
    });

    it('is not a sidecar, in whatever namespace its DaemonSet runs it (another mesh\'s, a test\'s)', () => {
      expect(sidecarFacts(real('istio-system'))).toBeUndefined();
      expect(sidecarFacts(real('kube-system'))).toBeUndefined();
      expect(sidecarFacts(real('mesh-b'))).toBeUndefined();
    });

    it('is one when it is not a DaemonSet\'s, or when istiod injected it: app=ztunnel alone proves nothing', () => {
      const owned = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ztunnel', uid: 'u' }] };
      expect(sidecarFacts(pod({ containers: [proxy()] }, { app: 'ztunnel' }))).toMatchObject({ proxy: true });
      const injected = real('shop');
      injected.metadata = { ...injected.metadata, ...owned, annotations: status('1-31-0-dev') };
      expect(sidecarFacts(injected)).toMatchObject({ namespace: 'shop', proxy: true, revision: '1-31-0-dev' });
    });
  });
});

describe('daemonSetFacts revision', () => {
  const ds = (labels: Record<string, string>, annotations: Record<string, string>): V1DaemonSet => ({ metadata: { name: 'ztunnel-1-29-6', namespace: 'istio-system', labels, annotations }, spec: { selector: {}, template: {} } });

  it('takes istio.io/rev from the annotation, where Istio’s ztunnel chart puts it', () => {
    expect(daemonSetFacts(ds({}, { 'istio.io/rev': '1-29-6' })).revision).toBe('1-29-6');
  });

  it('prefers a label when there is one', () => {
    expect(daemonSetFacts(ds({ 'istio.io/rev': '1-30-3' }, { 'istio.io/rev': '1-29-6' })).revision).toBe('1-30-3');
  });
});

describe('agentPodFacts', () => {
  it('names its node, readiness and owning DaemonSet; a terminating pod is not Ready', () => {
    const p: V1Pod = {
      metadata: { name: 'ztunnel-x', namespace: 'istio-system', ownerReferences: [{ kind: 'DaemonSet', name: 'ztunnel-1-29-6', apiVersion: 'apps/v1', uid: '1' }] },
      spec: { nodeName: 'node-1', containers: [] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(agentPodFacts(p)).toEqual({ namespace: 'istio-system', name: 'ztunnel-x', node: 'node-1', ready: true, daemonSet: 'istio-system/ztunnel-1-29-6' });
    expect(agentPodFacts({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date() } }).ready).toBe(false);
  });
});

describe('leaseFacts', () => {
  it('keeps holder and times as ISO text, whether the client gave Dates or strings', () => {
    const lease: V1Lease = { metadata: { name: 'ambient-canary', namespace: 'istio-system' }, spec: { holderIdentity: 'ci/pid-1', acquireTime: new Date('2026-11-23T11:00:00Z'), renewTime: '2026-11-23T11:00:10.000000Z' as unknown as Date, leaseDurationSeconds: 30 } };
    expect(leaseFacts(lease)).toEqual({ namespace: 'istio-system', name: 'ambient-canary', holder: 'ci/pid-1', acquiredAt: '2026-11-23T11:00:00.000Z', renewedAt: '2026-11-23T11:00:10.000000Z', durationSeconds: 30 });
  });

  it('reads a released lease (empty holder) as unheld', () => {
    expect(leaseFacts({ metadata: { name: 'ambient-canary' }, spec: { holderIdentity: '' } }).holder).toBeUndefined();
  });
});
