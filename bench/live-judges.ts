/**
 * Benchmark 5, the step judge live (issue 15): the cases of bench-judges (judge-cases.ts) on
 * the local cluster, so the simulation is checked against real load. Each run is a `canary
 * upgrade` of the demo through the CLI at the default profile's 500 rps, 60 s bakes, 10% ->
 * 50% -> 100%. Both ztunnels fail DETECT_BASE_RATE (0.1%) of requests with 503s (the
 * simulator's annotations, the stable's set after the demo reset); the canary's are set when
 * the route reaches 10%, so the smoke test (which needs all of its 20 requests) does not meet
 * them. Cases:
 *   healthy     the canary as the stable: any abort or hold is a false one;
 *   regression  the canary at 5x (0.5%) from ONSET_MS into the 10% step;
 *   burst       the canary at 60% from ONSET_MS into the 10% step (the ≤ 0.5 s goal).
 * Measured from the route's watch events: the onset (the fault-since it was given) to the
 * canary weight back at 0. Knobs: BENCH_RUNS (per case, default 10), BENCH_BAKE_S (60),
 * BENCH_LIVE_CASES (healthy,regression,burst), BENCH_POLICY (mesh | absolute). Prints
 * figures; never fails. Holds the demo state's lock throughout, as breach-revert.ts does.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { lockDemoState } from '../test/support/demo-state.js';
import { FROM, FROM_REV, TO, TO_REV } from '../test/support/demo-versions.js';
import { DETECT_BASE_RATE, ONSET_MS } from './judge-cases.js';
import { envNumber } from './lib.js';
import { liveLines, type LiveCase, type LiveRun } from './live-report.js';
import { annotateZtunnel, FAULT, liveCluster, openLog, resetDemo, upgradeDemo, watchRoute, type LiveCluster } from './live-upgrade.js';

const RUNS = envNumber('BENCH_RUNS', 10);
const BAKE_S = envNumber('BENCH_BAKE_S', 60);
const POLICY = process.env['BENCH_POLICY'] || 'mesh';
const CASES: readonly LiveCase[] = [
  { name: 'healthy', title: `healthy: ${100 * DETECT_BASE_RATE}% errors on both`, canaryRate: DETECT_BASE_RATE, onsetMs: 0, kind: 'healthy' },
  { name: 'regression', title: `regression: canary errors 5× (${(500 * DETECT_BASE_RATE).toFixed(1)}%)`, canaryRate: 5 * DETECT_BASE_RATE, onsetMs: ONSET_MS, kind: 'regression' },
  { name: 'burst', title: 'burst: 60% of canary requests failing', canaryRate: 0.6, onsetMs: ONSET_MS, kind: 'burst' },
];
const chosen = (process.env['BENCH_LIVE_CASES'] || CASES.map((c) => c.name).join(',')).split(',').map((n) => n.trim());
const unknown = chosen.filter((n) => !CASES.some((c) => c.name === n));
if (unknown.length > 0) {
  console.error(`BENCH_LIVE_CASES: unknown case ${unknown.join(', ')} (the cases: ${CASES.map((c) => c.name).join(', ')})`);
  process.exit(2);
}

const cluster = await liveCluster();
if (typeof cluster === 'string') {
  console.log(`RESULT live judges: SKIPPED: ${cluster}`);
  process.exit(0);
}

const fault = (rate: number, sinceMs?: number): Record<string, string> => ({
  [FAULT.errorRate]: String(rate),
  [FAULT.statusCode]: '503',
  [FAULT.afterSeconds]: '-',
  [FAULT.since]: sinceMs === undefined ? '-' : new Date(sinceMs).toISOString(),
});

/** The CLI's last line naming the step's verdict (for the run's line), without the ANSI colours listr may add. */
function verdictLine(logPath: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = readFileSync(logPath, 'utf8').replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const hit = [...lines].reverse().find((l) => /\b(abort|aborted|held|fail)\b/i.test(l) && /%/.test(l));
  return hit?.trim().slice(0, 240) ?? '';
}

async function oneRun(live: LiveCluster, c: LiveCase, run: number, dir: string): Promise<LiveRun> {
  const logPath = `${dir}/${c.name}-${run}.log`;
  const log = await openLog(logPath);
  try {
    await resetDemo(log);
    await annotateZtunnel(live, FROM_REV, fault(DETECT_BASE_RATE));
    const seen: { at10?: number; onset?: number; revertedAt?: number; revertedFrom?: number; last: number } = { last: 0 };
    const watching = await watchRoute(live, (w, at) => {
      if (w === 10 && seen.at10 === undefined) {
        seen.at10 = at;
        seen.onset = at + c.onsetMs;
        void annotateZtunnel(live, TO_REV, fault(c.canaryRate, seen.onset));
      }
      if (seen.at10 !== undefined && seen.revertedAt === undefined && w === 0) {
        seen.revertedAt = at;
        seen.revertedFrom = seen.last;
      }
      seen.last = w;
    });
    const began = Date.now();
    const exitCode = await upgradeDemo(log, FROM, TO, ['--bake', `${BAKE_S}s`, '--slo-policy', POLICY]);
    watching.abort?.();
    const r: LiveRun = { exitCode, seconds: (Date.now() - began) / 1000, reachedTen: seen.at10 !== undefined, revertedFrom: seen.revertedFrom, detectMs: seen.revertedAt !== undefined && seen.onset !== undefined ? seen.revertedAt - seen.onset : undefined, verdict: exitCode === 0 ? '' : verdictLine(logPath) };
    const at = r.detectMs === undefined ? '' : `, onset -> route back at 0%: ${(r.detectMs / 1000).toFixed(2)} s (from ${r.revertedFrom}%)`;
    console.log(`  ${c.name} ${String(run).padStart(2)}: exit ${exitCode} in ${r.seconds.toFixed(0)} s${at}${r.verdict ? ` :: ${r.verdict}` : ''}`);
    return r;
  } finally {
    log.end();
  }
}

const dir = `${tmpdir()}/ambient-canary-live-judges`;
mkdirSync(dir, { recursive: true });
console.log(`Live judges (${POLICY} policy): ${RUNS} upgrades ${FROM} -> ${TO} per case on the local cluster, 500 rps, ${BAKE_S} s bakes, ${100 * DETECT_BASE_RATE}% 503s on both ztunnels; CLI output in ${dir}/<case>-<run>.log`);
const results: Array<[LiveCase, LiveRun[]]> = [];
const unlock = await lockDemoState();
try {
  for (const c of chosen.map((n) => CASES.find((k) => k.name === n) as LiveCase)) {
    const runs: LiveRun[] = [];
    for (let run = 1; run <= RUNS; run++) runs.push(await oneRun(cluster, c, run, dir));
    results.push([c, runs]);
    for (const line of liveLines(c, runs, BAKE_S)) console.log(line);
  }
} finally {
  // The stable's staged errors go with the bench: the tests that share the demo state expect none.
  await annotateZtunnel(cluster, FROM_REV, Object.fromEntries(Object.values(FAULT).map((k) => [k, '-']))).catch(() => undefined);
  unlock();
}
console.log(`RESULT live judges (${POLICY}):`);
for (const [c, runs] of results) for (const line of liveLines(c, runs, BAKE_S)) console.log(line);
