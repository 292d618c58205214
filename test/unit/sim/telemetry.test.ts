import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault } from '../../cluster/sim/mesh/faults.js';
import { DURATION_BUCKETS_MS, destinationLabels, escapeLabel, RequestMetrics, sourceLabels } from '../../cluster/sim/mesh/telemetry.js';
import { workloadIdentity, type Endpoint } from '../../cluster/sim/mesh/workloads.js';
import { nodeDataPlanes, type ZtunnelPod } from '../../cluster/sim/mesh/ztunnel.js';
import { compileTable } from '../../cluster/sim/routing/table.js';
import { createHandler } from '../../cluster/sim/server/handler.js';
import type { Snapshot } from '../../cluster/sim/server/snapshot.js';

/** The samples of a rendering by series line: `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** The value of the one sample whose line contains every fragment. */
function value(text: string, ...fragments: string[]): number | undefined {
  const hits = [...samples(text)].filter(([k]) => fragments.every((f) => k.includes(f)));
  if (hits.length > 1) throw new Error(`${hits.length} samples match ${fragments.join(' ')}`);
  return hits[0]?.[1];
}

describe("Istio's standard metrics in the simulator", () => {
  it('renders a counter and a cumulative histogram with Istio\'s buckets, in the text format', () => {
    const m = new RequestMetrics();
    for (const ms of [0.2, 3, 3, 700, 5_000_000]) m.record('reporter="source"', 'destination_workload_namespace="shop"', 200, '-', ms);
    const text = m.render();
    expect(text).toContain('istio_requests_total{reporter="source",destination_workload_namespace="shop",response_code="200",response_flags="-"} 5\n');
    expect(text).toMatch(/^# HELP istio_requests_total .*\n# TYPE istio_requests_total counter\n/);
    expect(text).toContain('# TYPE istio_request_duration_milliseconds histogram');
    expect(value(text, 'istio_requests_total{')).toBe(5);
    const bucket = (le: string) => value(text, '_bucket{', `le="${le}"`);
    expect(bucket('0.5')).toBe(1);
    expect(bucket('1')).toBe(1);
    expect(bucket('5')).toBe(3);
    expect(bucket('500')).toBe(3);
    expect(bucket('1000')).toBe(4);
    expect(bucket('3600000')).toBe(4);
    expect(bucket('+Inf')).toBe(5);
    expect(value(text, '_count{')).toBe(5);
    expect(value(text, '_sum{')).toBeCloseTo(5_000_706.2, 6);
    expect(DURATION_BUCKETS_MS).toHaveLength(19);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes label values as the format requires', () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('labels the gateway as the source reporter and the pod as the destination workload', () => {
    expect(sourceLabels('istio-ingress/ingress')).toContain('reporter="source",source_workload="ingress-istio",source_workload_namespace="istio-ingress"');
    const pod: V1Pod = {
      metadata: { name: 'reviews-v2-5d8f9c7b4-x7k2p', labels: { app: 'reviews', version: 'v2', 'pod-template-hash': '5d8f9c7b4' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-v2-5d8f9c7b4', uid: 'u', controller: true }] },
      spec: { containers: [], serviceAccountName: 'bookinfo-reviews' },
    };
    const ep: Endpoint = { pod: 'reviews-v2-5d8f9c7b4-x7k2p', namespace: 'bookinfo-1-30-3', node: 'n1', capture: { mode: 'ambient' }, identity: workloadIdentity(pod) };
    const d = destinationLabels({ namespace: 'bookinfo-1-30-3', name: 'reviews' }, ep);
    for (const pair of [
      'destination_workload="reviews-v2"',
      'destination_workload_namespace="bookinfo-1-30-3"',
      'destination_service="reviews.bookinfo-1-30-3.svc.cluster.local"',
      'destination_service_name="reviews"',
      'destination_service_namespace="bookinfo-1-30-3"',
      'destination_canonical_service="reviews"',
      'destination_canonical_revision="v2"',
      'destination_principal="spiffe://cluster.local/ns/bookinfo-1-30-3/sa/bookinfo-reviews"',
    ]) expect(d).toContain(pair);
    expect(destinationLabels(undefined, undefined)).toContain('destination_service="unknown"');
  });
});

const z = (name: string, node: string, ds: string): ZtunnelPod => ({
  key: `istio-system/${name}`, name, namespace: 'istio-system', node, daemonSet: `istio-system/${ds}`, serviceAccount: ds, caAddress: '', ready: true, running: true, terminating: false, certIssued: true,
});

describe('the gateway counts what it serves', () => {
  const metrics = new RequestMetrics();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const table = compileTable(
      [{ key: 'istio-ingress/r', namespace: 'istio-ingress', createdMs: 0, hostnames: [], rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/ok' } }], backendRefs: [{ name: 'web', namespace: 'stable', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/bad' } }], backendRefs: [{ name: 'web', namespace: 'canary', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/empty' } }], backendRefs: [{ name: 'web', namespace: 'empty', port: 80 }] },
      ] }],
      (ref, ns) => ({ namespace: ref.namespace ?? ns, name: ref.name }),
    );
    let snap: Snapshot | undefined;
    server = createServer(createHandler(() => snap!, Date.now, metrics));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    snap = {
      ports: new Map([[`127.0.0.1:${port}`, { gateway: 'istio-ingress/ingress', listeners: [{ name: 'http', hostname: undefined, table }] }]]),
      endpoints: new Map([
        ['stable/web', [{ pod: 'web-1', namespace: 'stable', node: 'n1', capture: { mode: 'ambient' } }]],
        ['canary/web', [{ pod: 'web-c', namespace: 'canary', node: 'n2', capture: { mode: 'ambient' } }]],
        ['empty/web', []],
      ]),
      dataPlane: {
        nodes: nodeDataPlanes([z('z1', 'n1', 'ztunnel'), z('z2', 'n2', 'ztunnel-1-30-3')]),
        daemonSets: new Map([
          ['istio-system/ztunnel', { revision: '1-29-6', fault: parseFault({}), faultStartMs: 0 }],
          ['istio-system/ztunnel-1-30-3', { revision: '1-30-3', fault: parseFault({ 'sim.ambient-canary.dev/error-rate': '1', 'sim.ambient-canary.dev/status-code': '502', 'sim.ambient-canary.dev/latency-ms': '30' }), faultStartMs: 0 }],
        ]),
      },
    };
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('one series per destination, status and flags, with the time each answer took', async () => {
    const get = async (path: string) => (await fetch(`${base}${path}`)).status;
    const statuses = [await get('/ok'), await get('/ok'), await get('/bad'), await get('/empty'), await get('/nowhere')];
    expect(statuses).toEqual([200, 200, 502, 503, 404]);
    const text = metrics.render();
    expect(value(text, 'istio_requests_total{', 'destination_workload_namespace="stable"', 'response_code="200"', 'response_flags="-"')).toBe(2);
    expect(value(text, 'istio_requests_total{', 'destination_workload_namespace="canary"', 'response_code="502"')).toBe(1);
    expect(value(text, 'istio_requests_total{', 'destination_service="web.empty.svc.cluster.local"', 'response_code="503"', 'response_flags="UH"')).toBe(1);
    expect(value(text, 'istio_requests_total{', 'response_code="404"', 'response_flags="NR"')).toBe(1);
    // The canary's staged 30 ms: its one request is above the 25 ms bucket, within 50 ms.
    expect(value(text, '_bucket{', 'destination_workload_namespace="canary"', 'le="25"')).toBe(0);
    expect(value(text, '_bucket{', 'destination_workload_namespace="canary"', 'le="50"')).toBe(1);
  });
});
