// Requests per second through the simulated gateway: a 90/10 route over two ambient apps, each
// behind its node's ztunnel, driven by autocannon and (if installed) wrk on the same machine.
// Run with `make sim-bench` while the local cluster is up. Prints one line per tool.

import autocannon from 'autocannon';
import { createGrant, createNamespace, createRoute } from './support/objects.js';
import { ambientApp, gateway, installRevision, meshScene, routeSettled, teardown } from './support/scene.js';
import { TEST_LABEL } from './support/objects.js';
import { run } from './support/env.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

async function setUp() {
  const s = await meshScene(['a', 'b']);
  await installRevision(s, s.rev, { [TEST_LABEL]: s.id });
  const [stable, canary, gwNs] = [`sim-${s.id}-stable`, `sim-${s.id}-canary`, `sim-${s.id}-gw`];
  await ambientApp(s, stable, {}, 3);
  await ambientApp(s, canary, {}, 3);
  await createNamespace(s.k, gwNs);
  s.namespaces.push(gwNs);
  for (const ns of [stable, canary]) {
    await createGrant(s.k, { metadata: { name: 'from-gw', namespace: ns }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: gwNs }], to: [{ group: '', kind: 'Service' }] } });
  }
  const url = await gateway(s, gwNs, s.rev, [{ name: 'http', port: 18080, protocol: 'HTTP' }]);
  await createRoute(s.k, {
    metadata: { name: 'bench', namespace: gwNs },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: stable, port: 80, weight: 90 }, { name: 'web', namespace: canary, port: 80, weight: 10 }] }] },
  });
  await routeSettled(s, gwNs, 'bench');
  return { s, url };
}

async function withAutocannon(url: string): Promise<string> {
  const result = (await autocannon({ url, connections: CONNECTIONS, duration: SECONDS })) as autocannon.Result & { latency: { p50: number; p99: number } };
  return `autocannon: ${result.requests.average.toFixed(0)} req/s average, ${result.requests.total} requests, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`;
}

async function withWrk(url: string): Promise<string> {
  const r = await run('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url], (SECONDS + 30) * 1000);
  if (r.code !== 0) return `wrk: not run (${r.stderr.trim() || 'not installed'})`;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(r.stdout)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(r.stdout)?.[1];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? '0';
  return `wrk:        ${Number(rps).toFixed(0)} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx}`;
}

const { s, url } = await setUp();
try {
  console.log(`${url}, ${CONNECTIONS} connections, ${SECONDS} s each`);
  console.log(await withAutocannon(url));
  console.log(await withWrk(url));
} finally {
  await teardown(s);
}
