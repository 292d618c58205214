import type { V1DaemonSet, V1Lease, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { agentPodFacts, daemonSetFacts, leaseFacts, sidecarFacts } from '../../../src/kube/facts-map.js';

const pod = (spec: V1Pod['spec'], labels: Record<string, string> = {}): V1Pod => ({ metadata: { name: 'cart-1', namespace: 'shop', labels }, spec });
const proxy = (env: { name: string; value?: string }[] = []) => ({ name: 'istio-proxy', image: 'istio/proxyv2:1.29.6', env });

describe('sidecarFacts', () => {
  it('finds an istio-proxy container without ISTIO_META_ENABLE_HBONE', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }, proxy()] }))).toEqual({ namespace: 'shop', name: 'cart-1', hbone: false });
  });

  it('finds a native sidecar (an init container named istio-proxy) with HBONE', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }], initContainers: [{ ...proxy([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'true' }]), restartPolicy: 'Always' }] }))).toMatchObject({ hbone: true });
  });

  it('treats ISTIO_META_ENABLE_HBONE=false as no HBONE', () => {
    expect(sidecarFacts(pod({ containers: [proxy([{ name: 'ISTIO_META_ENABLE_HBONE', value: 'false' }])] }))?.hbone).toBe(false);
  });

  it('skips pods without a sidecar, and ztunnel (whose container is also istio-proxy)', () => {
    expect(sidecarFacts(pod({ containers: [{ name: 'app' }] }))).toBeUndefined();
    expect(sidecarFacts(pod({ containers: [proxy()] }, { app: 'ztunnel' }))).toBeUndefined();
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
