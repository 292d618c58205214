import type { V1Deployment, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildControlPlane, gatewayController } from '../../cluster/sim/mesh/control-plane.js';
import { deliver, type DataPlaneView } from '../../cluster/sim/mesh/delivery.js';
import { applyFault, FaultClock, parseFault } from '../../cluster/sim/mesh/faults.js';
import { serviceEndpoints } from '../../cluster/sim/mesh/workloads.js';
import { nodeDataPlanes, toZtunnelPod, trustVerdict } from '../../cluster/sim/mesh/ztunnel.js';

function istiod(rev: string | undefined, env: Record<string, string>, ready = true): V1Deployment {
  const name = rev ? `istiod-${rev}` : 'istiod';
  return {
    metadata: { name, namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': rev ?? 'default' } },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'discovery', env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] } } },
    status: { readyReplicas: ready ? 1 : 0 },
  };
}

const ambient = (trusted: string) => ({ PILOT_ENABLE_AMBIENT: 'true', CA_TRUSTED_NODE_ACCOUNTS: trusted });

function ztunnelPod(name: string, node: string, ds: string, sa: string, rev: string, ready = true): V1Pod {
  return {
    metadata: { name, namespace: 'istio-system', labels: { app: 'ztunnel' }, ownerReferences: [{ kind: 'DaemonSet', name: ds, apiVersion: 'apps/v1', uid: ds }] },
    spec: { nodeName: node, serviceAccountName: sa, containers: [{ name: 'istio-proxy', env: [{ name: 'CA_ADDRESS', value: `istiod-${rev}.istio-system.svc:15012` }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const tagService = (tag: string, rev: string): V1Service => ({ metadata: { name: `istiod-revision-tag-${tag}`, namespace: 'istio-system', labels: { 'istio.io/tag': tag, 'istio.io/rev': rev } } });

describe('control plane', () => {
  it('programs a Gateway by its istio.io/rev label, resolving tags', () => {
    const cp = buildControlPlane([istiod('1-29-6', {}), istiod('1-30-3', {}, false)], [tagService('prod', '1-29-6')]);
    expect(gatewayController(cp, { 'istio.io/rev': '1-29-6' })).toEqual({ ok: true, istiod: 'istio-system/istiod-1-29-6' });
    expect(gatewayController(cp, { 'istio.io/rev': 'prod' })).toEqual({ ok: true, istiod: 'istio-system/istiod-1-29-6' });
    expect(gatewayController(cp, { 'istio.io/rev': '1-30-3' })).toMatchObject({ ok: false, reason: 'Pending' });
    expect(gatewayController(cp, { 'istio.io/rev': '9-9-9' })).toMatchObject({ ok: false, message: 'no istiod for revision 9-9-9' });
  });

  it('gives an unlabelled Gateway to the default tag, else any Ready istiod, else none', () => {
    const tagged = buildControlPlane([istiod('1-29-6', {}), istiod('1-30-3', {})], [tagService('default', '1-30-3')]);
    expect(gatewayController(tagged, {})).toEqual({ ok: true, istiod: 'istio-system/istiod-1-30-3' });
    expect(gatewayController(buildControlPlane([istiod('1-29-6', {})], []), undefined)).toMatchObject({ ok: true });
    const older = istiod('zz-old', {});
    older.metadata!.creationTimestamp = new Date('2026-01-01T00:00:00Z');
    const newer = istiod('aa-new', {});
    newer.metadata!.creationTimestamp = new Date('2026-02-01T00:00:00Z');
    expect(gatewayController(buildControlPlane([newer, older], []), undefined)).toEqual({ ok: true, istiod: 'istio-system/istiod-zz-old' });
    expect(gatewayController(buildControlPlane([], []), undefined)).toMatchObject({ ok: false });
  });
});

describe('ztunnel trust and node data planes', () => {
  const services = new Map<string, V1Service>();
  it('trusts only the ServiceAccounts in CA_TRUSTED_NODE_ACCOUNTS of an ambient istiod', () => {
    const cp = buildControlPlane([istiod('1-30-3', ambient('istio-system/ztunnel'))], []);
    expect(trustVerdict(toZtunnelPod(ztunnelPod('z', 'n1', 'ztunnel', 'ztunnel', '1-30-3')), cp, services)).toMatchObject({ ok: true });
    const untrusted = trustVerdict(toZtunnelPod(ztunnelPod('z', 'n1', 'ztunnel-1-30-3', 'ztunnel-1-30-3', '1-30-3')), cp, services);
    expect(untrusted).toMatchObject({ ok: false, reason: 'CertificateRequestFailed' });
    expect(!untrusted.ok && untrusted.message).toContain('request authenticate failure');
  });

  it('refuses ztunnel when istiod is missing, not Ready, or not ambient', () => {
    const z = toZtunnelPod(ztunnelPod('z', 'n1', 'ztunnel', 'ztunnel', '1-30-3'));
    expect(trustVerdict(z, buildControlPlane([], []), services)).toMatchObject({ reason: 'NoControlPlane' });
    expect(trustVerdict(z, buildControlPlane([istiod('1-30-3', ambient('istio-system/ztunnel'), false)], []), services)).toMatchObject({ reason: 'ControlPlaneNotReady' });
    expect(trustVerdict(z, buildControlPlane([istiod('1-30-3', {})], []), services)).toMatchObject({ reason: 'AmbientDisabled' });
  });

  it('breaks a node that runs pods of two ztunnel DaemonSets, but not a surge of one', () => {
    const pods = [
      ztunnelPod('a', 'n1', 'ztunnel', 'ztunnel', '1-29-6'),
      ztunnelPod('b', 'n1', 'ztunnel-1-30-3', 'ztunnel-1-30-3', '1-30-3'),
      ztunnelPod('c', 'n2', 'ztunnel', 'ztunnel', '1-29-6', false),
      ztunnelPod('d', 'n2', 'ztunnel', 'ztunnel', '1-29-6'),
      ztunnelPod('e', 'n3', 'ztunnel', 'ztunnel', '1-29-6', false),
    ].map(toZtunnelPod);
    const nodes = nodeDataPlanes(pods);
    expect(nodes.get('n1')).toMatchObject({ state: 'broken' });
    expect(nodes.get('n2')).toMatchObject({ state: 'ready', pod: { name: 'd' } });
    expect(nodes.get('n3')).toMatchObject({ state: 'notReady' });
  });
});

describe('faults', () => {
  it('parses annotations and ignores invalid values', () => {
    const f = parseFault({ 'sim.ambient-canary.dev/error-rate': '0.25', 'sim.ambient-canary.dev/latency-ms': '-1', 'sim.ambient-canary.dev/status-code': '500' });
    expect(f).toMatchObject({ errorRate: 0.25, latencyMs: 0, statusCode: 500 });
    expect(f.problems).toHaveLength(1);
  });

  it('starts the clock at creation for settings seen at once, and at the change otherwise', () => {
    let now = 10_000;
    const clock = new FaultClock(() => now);
    const f = parseFault({ 'sim.ambient-canary.dev/error-rate': '1', 'sim.ambient-canary.dev/after-seconds': '5' });
    expect(clock.startOf('u', f, 1_000)).toBe(1_000);
    now = 20_000;
    expect(clock.startOf('u', f, 1_000)).toBe(1_000);
    const g = parseFault({ 'sim.ambient-canary.dev/error-rate': '0.5' });
    expect(clock.startOf('u', g, 1_000)).toBe(20_000);
    const since = parseFault({ 'sim.ambient-canary.dev/error-rate': '1', 'sim.ambient-canary.dev/fault-since': '1970-01-01T00:00:03Z' });
    expect(clock.startOf('u', since, 1_000)).toBe(3_000);
  });

  it('applies nothing before afterSeconds, then latency and the error rate', () => {
    const f = parseFault({ 'sim.ambient-canary.dev/error-rate': '0.5', 'sim.ambient-canary.dev/latency-ms': '20', 'sim.ambient-canary.dev/after-seconds': '2' });
    expect(applyFault(f, 0, 1_999, () => 0)).toEqual({ latencyMs: 0, errorStatus: undefined });
    expect(applyFault(f, 0, 2_000, () => 0.4)).toEqual({ latencyMs: 20, errorStatus: 503 });
    expect(applyFault(f, 0, 2_000, () => 0.6)).toEqual({ latencyMs: 20, errorStatus: undefined });
  });
});

describe('workloads and delivery', () => {
  const slice: V1EndpointSlice = {
    addressType: 'IPv4',
    metadata: { name: 's', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: [
      { addresses: ['10.0.0.1'], conditions: { ready: true }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' } },
      { addresses: ['10.0.0.2'], conditions: { ready: false }, nodeName: 'n2', targetRef: { kind: 'Pod', name: 'web-2', namespace: 'shop' } },
      { addresses: ['10.0.0.3'], nodeName: 'n3', targetRef: { kind: 'Pod', name: 'web-3', namespace: 'shop' } },
    ],
  };
  const pods = new Map<string, V1Pod>([['shop/web-3', { metadata: { name: 'web-3', labels: { 'istio.io/dataplane-mode': 'none' } } }]]);

  it('keeps Ready endpoints, each with the data plane its pod and node give it', () => {
    const eps = serviceEndpoints([slice], pods, (pod, node) => (pod ? { mode: 'none' } : node === 'n1' ? { mode: 'ambient' } : { mode: 'sidecar', revision: 'x' })).get('shop/web')!;
    expect(eps.map((e) => [e.pod, e.node, e.capture.mode])).toEqual([['web-1', 'n1', 'ambient'], ['web-3', 'n3', 'none']]);
  });

  it('routes ambient pods through their node ztunnel and fails without one', () => {
    const z = toZtunnelPod(ztunnelPod('z1', 'n1', 'ztunnel-1-30-3', 'ztunnel-1-30-3', '1-30-3'));
    const view: DataPlaneView = { nodes: nodeDataPlanes([z]), daemonSets: new Map([['istio-system/ztunnel-1-30-3', { revision: '1-30-3', fault: parseFault({}), faultStartMs: 0 }]]) };
    expect(deliver({ pod: 'p', namespace: 'shop', node: 'n1', capture: { mode: 'ambient' } }, view)).toMatchObject({ kind: 'ztunnel', revision: '1-30-3', ztunnel: 'z1' });
    expect(deliver({ pod: 'p', namespace: 'shop', node: 'n9', capture: { mode: 'ambient' } }, view)).toMatchObject({ kind: 'fail' });
    expect(deliver({ pod: 'p', namespace: 'shop', node: 'n9', capture: { mode: 'none' } }, view)).toEqual({ kind: 'direct' });
  });

  it('serves a pod with a sidecar by that sidecar, never by the ztunnel of its node', () => {
    const z = toZtunnelPod(ztunnelPod('z1', 'n1', 'ztunnel-1-30-3', 'ztunnel-1-30-3', '1-30-3'));
    const view: DataPlaneView = { nodes: nodeDataPlanes([z]), daemonSets: new Map() };
    expect(deliver({ pod: 'p', namespace: 'shop', node: 'n1', capture: { mode: 'sidecar', revision: '1-31-0' } }, view)).toEqual({ kind: 'sidecar', revision: '1-31-0' });
  });
});
