/**
 * Benchmark 3, load throughput: autocannon with our per-revision attribution (the load
 * port as a weight step runs it) against wrk, same target, same connections, in one run.
 * Target ratio >= 0.8. The target is the local cluster's gateway when it serves a route
 * there, else a local attribution server in its own process. Both generators run on one
 * thread (wrk -t1): on this 2-core machine the server needs the other core.
 */
import { loadavg } from 'node:os';
import { execa } from 'execa';
import autocannon from 'autocannon';
import { runLoad } from '../src/load/autocannon-load.js';
import { headerValue, WindowRecorder } from '../src/load/recorder.js';
import type { LoadProfile } from '../src/load/profile.js';
import { combine, outcomes } from '../src/slo/window.js';
import { FROM_REV, TO_REV } from '../test/support/demo-versions.js';
import { clusterEnv, ensureWrk, envNumber, median, startServer } from './lib.js';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);

async function pickTarget(): Promise<{ url: string; what: string; stop: () => void }> {
  // BENCH_TARGET=local skips the cluster (for example while someone else uses it).
  const gateway = process.env['BENCH_TARGET'] === 'local' ? undefined : clusterEnv()?.['GATEWAY_URL'];
  if (gateway) {
    const answer = await fetch(`${gateway}/`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (answer && answer.status < 500) return { url: gateway, what: `the local cluster's gateway ${gateway} (HTTP ${answer.status} on /)`, stop: () => undefined };
  }
  const server = await startServer(['0.1', '0']);
  return { url: server.url, what: `a local attribution server ${server.url} (node:http in its own process; no cluster gateway serving a route)`, stop: server.stop };
}

async function wrkRps(wrk: string, url: string): Promise<number> {
  const out = await execa(wrk, ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, `${url}/`]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out.stdout);
  if (!m) throw new Error(`cannot read wrk's output:\n${out.stdout}`);
  return Number(m[1]);
}

async function attributedRps(url: string): Promise<{ rps: number; attributed: number }> {
  const profile: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: CONNECTIONS, rate: 'open', durationMs: SECONDS * 1000, timeoutMs: 10_000 };
  const windows = SECONDS;
  const out = await runLoad({ url, profile, revisions: { stable: FROM_REV, canary: TO_REV }, windowMs: 1000, p99Ms: 500, capMs: (SECONDS + 5) * 1000, onWindow: (ws) => (ws.length >= windows ? 'drain' : 'continue') }, new AbortController().signal);
  const all = combine(out.windows);
  const elapsed = (all.endMs - all.startMs) / 1000;
  return { rps: outcomes(all) / elapsed, attributed: (all.stable.requests + all.canary.requests) / Math.max(1, outcomes(all)) };
}

async function plainRps(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return result.requests.total / SECONDS;
}

/**
 * The attribution's own cost, free of network and of other processes' noise: the header
 * scan and the window record per response, timed in a loop (compare autocannon's tens of
 * microseconds of CPU per request).
 */
function attributionNsPerResponse(): number {
  const raw = ['content-type', 'application/json', 'content-length', '11', 'x-canary-revision', FROM_REV, 'date', new Date().toUTCString(), 'connection', 'keep-alive'];
  const recorder = new WindowRecorder(FROM_REV, TO_REV, 500, 0);
  const n = 2_000_000;
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) recorder.response(200, headerValue(raw, 'x-canary-revision'), 1 + (i % 97) * 0.37);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best;
}

const target = await pickTarget();
try {
  const wrk = await ensureWrk();
  console.log(`Load throughput: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, against ${target.what}`);
  await plainRps(target.url).catch(() => 0); // warm-up: JIT, server keep-alive pools
  const rows: Array<{ wrk: number; attributed: number; plain: number; share: number }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order, so neither generator always runs on the warmer (or busier) side.
    const w = r % 2 === 0 ? await wrkRps(wrk, target.url) : 0;
    const a = await attributedRps(target.url);
    const p = await plainRps(target.url);
    const w2 = r % 2 === 0 ? w : await wrkRps(wrk, target.url);
    rows.push({ wrk: w2, attributed: a.rps, plain: p, share: a.attributed });
    console.log(`  round ${r + 1}: wrk ${w2.toFixed(0)} req/s, autocannon+attribution ${a.rps.toFixed(0)} req/s (${(100 * a.attributed).toFixed(1)}% attributed), autocannon plain ${p.toFixed(0)} req/s; attributed/wrk ${(a.rps / w2).toFixed(2)}, attributed/plain ${(a.rps / p).toFixed(2)}`);
  }
  const ratio = median(rows.map((r) => r.attributed / r.wrk));
  const overhead = median(rows.map((r) => r.attributed / r.plain));
  // On a shared 2-core machine other processes take CPU; the C generator loses less of it than a JS one.
  console.log(`  attribution alone (header scan + window record, in a loop): ${attributionNsPerResponse().toFixed(0)} ns per response`);
  console.log(`  machine load average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on 2 cores`);
  console.log(`RESULT throughput: median autocannon+attribution / wrk = ${ratio.toFixed(2)} (target >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}); attribution / plain autocannon = ${overhead.toFixed(2)}`);
} finally {
  target.stop();
}
