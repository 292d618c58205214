import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault } from '../../cluster/sim/mesh/faults.js';
import { nodeDataPlanes, type ZtunnelPod } from '../../cluster/sim/mesh/ztunnel.js';
import type { RouteRule } from '../../cluster/sim/model/gateway-api.js';
import { compileTable } from '../../cluster/sim/routing/table.js';
import { createHandler } from '../../cluster/sim/server/handler.js';
import type { Snapshot } from '../../cluster/sim/server/snapshot.js';

const z = (name: string, node: string, ds: string, ready = true): ZtunnelPod => ({
  key: `istio-system/${name}`, name, namespace: 'istio-system', node, daemonSet: `istio-system/${ds}`, serviceAccount: ds, caAddress: '', ready, running: true, terminating: false, certIssued: true,
});

const rules: RouteRule[] = [
  {
    matches: [{ path: { type: 'PathPrefix', value: '/' } }],
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-from', value: 'gw' }] } }],
    backendRefs: [
      { name: 'web', namespace: 'stable', port: 80, weight: 1, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'stable' }] } }] },
    ],
  },
  { matches: [{ path: { type: 'PathPrefix', value: '/canary' } }], backendRefs: [{ name: 'web', namespace: 'canary', port: 80 }] },
  { matches: [{ path: { type: 'PathPrefix', value: '/broken' } }], backendRefs: [{ name: 'web', namespace: 'broken', port: 80 }] },
  { matches: [{ path: { type: 'PathPrefix', value: '/sidecar' } }], backendRefs: [{ name: 'web', namespace: 'sidecar', port: 80 }] },
  { matches: [{ path: { type: 'PathPrefix', value: '/empty' } }], backendRefs: [{ name: 'web', namespace: 'empty', port: 80 }] },
  { matches: [{ path: { type: 'PathPrefix', value: '/zero' } }], backendRefs: [{ name: 'web', namespace: 'stable', port: 80, weight: 0 }] },
  { matches: [{ path: { type: 'PathPrefix', value: '/denied' } }], backendRefs: [{ name: 'web', namespace: 'other', port: 80 }] },
];

let server: Server;
let base: string;

beforeAll(async () => {
  const table = compileTable([{ key: 'istio-ingress/r', namespace: 'istio-ingress', createdMs: 0, hostnames: [], rules }], (ref, ns) =>
    ref.namespace === 'other' ? { invalid: 'RefNotPermitted' } : { namespace: ref.namespace ?? ns, name: ref.name },
  );
  let snap: Snapshot | undefined;
  server = createServer(createHandler(() => snap!));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  snap = {
    ports: new Map([[`127.0.0.1:${port}`, { gateway: 'istio-ingress/ingress', listeners: [{ name: 'http', hostname: undefined, table }] }]]),
    endpoints: new Map([
      ['stable/web', [{ pod: 'web-1', namespace: 'stable', node: 'n1', capture: { mode: 'ambient' } }]],
      ['canary/web', [{ pod: 'web-c', namespace: 'canary', node: 'n2', capture: { mode: 'ambient' } }]],
      ['broken/web', [{ pod: 'web-b', namespace: 'broken', node: 'n3', capture: { mode: 'ambient' } }]],
      ['sidecar/web', [{ pod: 'web-s', namespace: 'sidecar', node: 'n2', capture: { mode: 'sidecar', revision: '1-30-3' } }]],
      ['empty/web', []],
    ]),
    dataPlane: {
      nodes: nodeDataPlanes([z('z1', 'n1', 'ztunnel'), z('z2', 'n2', 'ztunnel-1-30-3'), z('z3', 'n3', 'ztunnel'), z('z4', 'n3', 'ztunnel-1-30-3')]),
      daemonSets: new Map([
        ['istio-system/ztunnel', { revision: '1-29-6', fault: parseFault({}), faultStartMs: 0 }],
        ['istio-system/ztunnel-1-30-3', { revision: '1-30-3', fault: parseFault({ 'sim.ambient-canary.dev/error-rate': '1', 'sim.ambient-canary.dev/status-code': '502' }), faultStartMs: 0 }],
      ]),
    },
  };
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the simulated data path', () => {
  it('answers through the node ztunnel with headers naming namespace, pod, node and revision', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(['x-sim-namespace', 'x-sim-pod', 'x-sim-node', 'x-sim-revision', 'x-sim-served-by', 'x-served-by'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'x-sim-namespace': 'stable', 'x-sim-pod': 'web-1', 'x-sim-node': 'n1', 'x-sim-revision': '1-29-6', 'x-sim-served-by': 'ztunnel-1-29-6', 'x-served-by': 'stable',
    });
    expect(((await res.json()) as { headers: Record<string, string> }).headers['x-from']).toBe('gw');
  });

  it('applies the staged fault of the revision serving the node', async () => {
    const res = await fetch(`${base}/canary`);
    expect([res.status, res.headers.get('x-sim-revision')]).toEqual([502, '1-30-3']);
  });

  it('answers a pod with a sidecar through its sidecar, without the faults of the ztunnel of its node', async () => {
    const res = await fetch(`${base}/sidecar`);
    expect([res.status, res.headers.get('x-sim-served-by'), res.headers.get('x-sim-ztunnel')]).toEqual([200, 'sidecar-1-30-3', null]);
  });

  it('fails a node with two ztunnel DaemonSets, a Service without endpoints, and bad backends', async () => {
    expect((await fetch(`${base}/broken`)).status).toBe(503);
    expect((await fetch(`${base}/empty`)).status).toBe(503);
    expect((await fetch(`${base}/zero`)).status).toBe(500);
    const denied = await fetch(`${base}/denied`);
    expect([denied.status, denied.headers.get('x-sim-error')]).toEqual([500, 'RefNotPermitted']);
  });
});
