/**
 * Benchmark 1, breach -> revert, on the local cluster through the CLI: `canary upgrade`
 * of the demo (test/cluster/demo) at the default profile's 500 rps, with the canary's
 * ztunnel staged to fail (30% 503s) FAULT_AFTER_S after its DaemonSet was created (the
 * simulator's sim.ambient-canary.dev/* annotations, put on the DaemonSet by the real ztunnel
 * chart's `annotations` value; the simulator starts the fault clock at creationTimestamp),
 * which lands inside the 10% step. Versions: the demo's (test/cluster/demo/versions.env). Measured: from that onset to the HTTPRoute watch event
 * that shows the canary weight back at 0. Target: median <= 2 s. A run whose 10% step had
 * not begun by the onset is not counted. Skips, saying why, when the local cluster or the
 * demo setup is not there. It resets the cluster (the demo's stable-mesh.sh) before every
 * run, holding the demo state's lock (test/support/demo-state.ts) throughout, as the tests
 * that upgrade the demo do: it waits while one of them runs.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse, stringify } from 'yaml';
import { lockDemoState } from '../test/support/demo-state.js';
import { FROM, TO, TO_REV } from '../test/support/demo-versions.js';
import { envNumber, median, ROOT } from './lib.js';
import { FAULT, liveCluster, openLog, resetDemo, upgradeDemo, watchRoute, type LiveCluster } from './live-upgrade.js';

const RUNS = envNumber('BENCH_RUNS', 10);
const FAULT_AFTER_S = envNumber('BENCH_FAULT_AFTER_S', 20);
/** Share of the canary's requests failed from the onset: 0.3 the breach, 0.6 a gross failure (the mesh judge's ≤ 0.5 s goal). */
const FAULT_RATE = envNumber('BENCH_FAULT_RATE', 0.3);

const cluster = await liveCluster();
if (typeof cluster === 'string') {
  console.log(`RESULT breach->revert: SKIPPED: ${cluster}`);
  process.exit(0);
}

/**
 * A values folder for TO: revisions/<TO>/ (the demo's values), its data plane adding the staged
 * fault as DaemonSet annotations, strings as annotations must be (the demo's faulty-later/ does
 * the same with its own delay).
 */
function faultyValues(): string {
  const revisions = `${ROOT}revisions/${TO}`;
  const dir = `${tmpdir()}/ambient-canary-breach/${TO}`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(`${revisions}/control-plane.yaml`, `${dir}/control-plane.yaml`);
  const dataPlane = (parse(readFileSync(`${revisions}/data-plane.yaml`, 'utf8')) ?? {}) as Record<string, unknown>;
  const fault = { [FAULT.errorRate]: String(FAULT_RATE), [FAULT.statusCode]: '503', [FAULT.afterSeconds]: String(FAULT_AFTER_S) };
  const annotations = { ...(dataPlane['annotations'] as Record<string, string> | undefined), ...fault };
  writeFileSync(`${dir}/data-plane.yaml`, stringify({ ...dataPlane, annotations }));
  return `${tmpdir()}/ambient-canary-breach`;
}

interface Seen {
  at10: number | undefined;
  createdMs: number | undefined;
  revertedAt: number | undefined;
}

function observe(live: LiveCluster, seen: Seen): (weight: number, atMs: number) => void {
  return (w, at) => {
    if (w === 10 && seen.at10 === undefined) {
      seen.at10 = at;
      void live.kubectl(['get', 'daemonset', '-n', 'istio-system', `ztunnel-${TO_REV}`, '-o', 'jsonpath={.metadata.creationTimestamp}']).then((r) => (seen.createdMs = Date.parse(r.stdout.trim())));
    }
    if (seen.at10 !== undefined && seen.revertedAt === undefined && w === 0) seen.revertedAt = at;
  };
}

async function oneRun(live: LiveCluster, run: number, log: WriteStream, values: string): Promise<number | undefined> {
  await resetDemo(log);
  const seen: Seen = { at10: undefined, createdMs: undefined, revertedAt: undefined };
  const watching = await watchRoute(live, observe(live, seen));
  const exitCode = await upgradeDemo(log, FROM, TO, ['--bake', '60s', '--values-dir', values]);
  watching.abort?.();
  const onset = seen.createdMs === undefined ? undefined : seen.createdMs + FAULT_AFTER_S * 1000;
  const valid = exitCode === 3 && onset !== undefined && seen.at10 !== undefined && seen.at10 < onset && seen.revertedAt !== undefined && seen.revertedAt >= onset;
  const delayMs = valid ? (seen.revertedAt as number) - (onset as number) : undefined;
  const why = delayMs !== undefined ? `fault onset -> route back at 100% stable: ${(delayMs / 1000).toFixed(2)} s` : `not counted (10% step at ${seen.at10 ?? '-'}, onset ${onset ?? '-'}, reverted ${seen.revertedAt ?? '-'})`;
  console.log(`  run ${String(run).padStart(2)}: exit ${exitCode}, ${why}`);
  return delayMs;
}

const logPath = `${tmpdir()}/ambient-canary-breach-revert.log`;
const log = await openLog(logPath);
console.log(`Breach -> revert: ${RUNS} upgrades ${FROM} -> ${TO} on the local cluster at 500 rps; faults (${Math.round(100 * FAULT_RATE)}% 503) start ${FAULT_AFTER_S} s after the canary ztunnel is created, inside the 10% step; CLI output in ${logPath}`);
const values = faultyValues();
const delays: number[] = [];
const unlock = await lockDemoState();
try {
  for (let run = 1; run <= RUNS; run++) {
    const d = await oneRun(cluster, run, log, values);
    if (d !== undefined) delays.push(d);
  }
} finally {
  unlock();
  log.end();
}
if (delays.length === 0) {
  console.log('RESULT breach->revert: no run reverted after the fault onset (see the log)');
} else {
  const m = median(delays) / 1000;
  // A gross failure is decided as responses arrive (the mesh judge's ticks), a breach by its evidence.
  const target = FAULT_RATE >= 0.5 ? 0.5 : 2;
  console.log(`RESULT breach->revert: ${Math.round(100 * FAULT_RATE)}% failing: median ${m.toFixed(2)} s over ${delays.length} of ${RUNS} runs (min ${(Math.min(...delays) / 1000).toFixed(2)}, max ${(Math.max(...delays) / 1000).toFixed(2)}); target <= ${target} s: ${m <= target ? 'met' : 'NOT met'}`);
}
