/**
 * Benchmark 1, breach -> revert, on the local cluster through the CLI: `canary upgrade`
 * of the demo (test/cluster/demo) at the default profile's 500 rps; when the route reaches
 * the 10% step, the canary ztunnel's DaemonSet gets a staged fault (30% 503s) starting 2 s
 * later (the simulator's fault-since annotation); the time measured is from that onset to
 * the HTTPRoute watch event that shows the canary weight back at 0. Target: median <= 2 s.
 * Skips, saying why, when the local cluster or the demo setup is not there.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { clusterEnv, envNumber, median, ROOT } from './lib.js';

const RUNS = envNumber('BENCH_RUNS', 10);
const ONSET_DELAY_MS = 2000;
const DEMO = `${ROOT}test/cluster/demo`;
const CANARY_NS = 'bookinfo-1-30-3';

function skip(why: string): never {
  console.log(`RESULT breach->revert: SKIPPED: ${why}`);
  process.exit(0);
}

const env = clusterEnv();
if (!env?.['KUBECONFIG'] || !env['KUBECTL']) skip('no local cluster (test/cluster/.run/cluster.env is missing): run `make cluster-up`');
if (!existsSync(`${DEMO}/stable-mesh.sh`) || !existsSync(`${DEMO}/canary.yaml`)) skip('the demo setup (test/cluster/demo: stable-mesh.sh, canary.yaml) is not there yet');
if (!existsSync(`${ROOT}dist/cli/main.js`)) skip('dist/ is not built: run `make build`');
const kubectl = (args: readonly string[]) => execa(env['KUBECTL'] as string, [...args], { env: { KUBECONFIG: env['KUBECONFIG'] } });
if ((await kubectl(['get', 'ns', 'istio-ingress']).catch((e: unknown) => e)) instanceof Error) skip('the local cluster does not answer (or has no istio-ingress namespace): run `make cluster-up`');

/** Canary weight in the route's weighted rules (header-matched rules, like the smoke route, left out). */
function canaryWeight(route: { spec?: { rules?: Array<{ matches?: Array<{ headers?: unknown[] }>; backendRefs?: Array<{ namespace?: string; weight?: number }> }> } }): number {
  let sum = 0;
  for (const rule of route.spec?.rules ?? []) {
    if (rule.matches?.some((m) => (m.headers?.length ?? 0) > 0)) continue;
    for (const ref of rule.backendRefs ?? []) if (ref.namespace === CANARY_NS) sum += ref.weight ?? 1;
  }
  return sum;
}

async function oneRun(run: number, log: WriteStream): Promise<{ delayMs: number | undefined; exit: number | undefined }> {
  await execa(`${DEMO}/stable-mesh.sh`, [], { cwd: ROOT, stdout: log, stderr: log });
  const kc = new KubeConfig();
  kc.loadFromFile(env?.['KUBECONFIG'] as string);
  let onset: number | undefined;
  let revertedAt: number | undefined;
  const watching = await new Watch(kc).watch('/apis/gateway.networking.k8s.io/v1/namespaces/istio-ingress/httproutes', { fieldSelector: 'metadata.name=bookinfo' }, (_type, obj) => {
    const w = canaryWeight(obj as never);
    if (w === 10 && onset === undefined) {
      onset = Date.now() + ONSET_DELAY_MS;
      const since = new Date(onset).toISOString();
      void kubectl(['annotate', '--overwrite', '-n', 'istio-system', 'daemonset', 'ztunnel-1-30-3', 'sim.ambient-canary.dev/error-rate=0.3', 'sim.ambient-canary.dev/status-code=503', `sim.ambient-canary.dev/fault-since=${since}`]);
    }
    if (onset !== undefined && revertedAt === undefined && w === 0 && Date.now() >= onset) revertedAt = Date.now();
  }, () => undefined);
  const cli = await execa(process.execPath, [`${ROOT}bin/canary.js`, 'upgrade', '--config', `${DEMO}/canary.yaml`, '--from', '1.29.6', '--to', '1.30.3', '--bake', '60s'], { cwd: ROOT, reject: false, stdout: log, stderr: log, timeout: 900_000 });
  (watching as { abort?: () => void }).abort?.();
  const delayMs = onset !== undefined && revertedAt !== undefined ? revertedAt - onset : undefined;
  console.log(`  run ${String(run).padStart(2)}: exit ${cli.exitCode}, ${delayMs === undefined ? 'no revert seen after the fault onset' : `fault onset -> route back at 100% stable: ${(delayMs / 1000).toFixed(2)} s`}`);
  return { delayMs, exit: cli.exitCode };
}

const logPath = `${ROOT}bench/breach-revert.log`;
const log = createWriteStream(logPath);
await new Promise((r) => log.once('open', r));
console.log(`Breach -> revert: ${RUNS} upgrades 1.29.6 -> 1.30.3 on the local cluster at 500 rps; faults (30% 503) start ${ONSET_DELAY_MS / 1000} s into the 10% step; CLI output in ${logPath}`);
const delays: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const r = await oneRun(run, log);
  if (r.delayMs !== undefined && r.exit === 3) delays.push(r.delayMs);
}
log.end();
if (delays.length === 0) {
  console.log('RESULT breach->revert: no run reverted after the fault onset (see the log)');
} else {
  const m = median(delays) / 1000;
  console.log(`RESULT breach->revert: median ${m.toFixed(2)} s over ${delays.length} of ${RUNS} runs (min ${(Math.min(...delays) / 1000).toFixed(2)}, max ${(Math.max(...delays) / 1000).toFixed(2)}); target <= 2 s: ${m <= 2 ? 'met' : 'NOT met'}`);
}
