/**
 * Benchmark 2, false aborts: healthy canaries with 0.1% background errors (on both
 * revisions) judged under a 0.5% budget must never abort. Each bake is the 10% step (the
 * fewest canary samples, so the hardest for the judge) at the default profile's 500 rps,
 * against a local fault-injecting server in its own process (random 10% canary share,
 * random 503s), through the real load port and judge.
 */
import { loadavg } from 'node:os';
import { LoadSource } from '../src/load/load-source.js';
import { readLoadProfile } from '../src/load/profile-file.js';
import { SourcesStepJudge } from '../src/metrics/step-judge.js';
import { DEFAULT_SLO } from '../src/slo/spec.js';
import { FROM_REV, TO_REV } from '../test/support/demo-versions.js';
import { envNumber, startServer } from './lib.js';

const RUNS = envNumber('BENCH_RUNS', 30);
const BAKE_MS = envNumber('BENCH_BAKE_S', 10) * 1000;
const BACKGROUND = 0.001;

const server = await startServer(['0.1', String(BACKGROUND)]);
try {
  const profile = readLoadProfile(undefined);
  const judge = new SourcesStepJudge(DEFAULT_SLO, [new LoadSource(DEFAULT_SLO, profile)]);
  console.log(`False aborts: ${RUNS} bakes of the 10% step, ${BAKE_MS / 1000} s each, ${profile.rate} rps over ${profile.connections} connections, ${100 * BACKGROUND}% background 503s on both revisions, budget ${(100 * (1 - DEFAULT_SLO.successRate)).toFixed(1)}%; server ${server.url} (local, fault-injecting)`);
  const kinds: Record<string, number> = {};
  let canary = 0;
  let errors = 0;
  for (let run = 1; run <= RUNS; run++) {
    const began = Date.now();
    const { verdict } = await judge.bake({ url: server.url, weights: { stable: 90, canary: 10 }, bakeMs: BAKE_MS, revisions: { stable: FROM_REV, canary: TO_REV } }, new AbortController().signal);
    kinds[verdict.kind] = (kinds[verdict.kind] ?? 0) + 1;
    // The load source's figures, as the step's verdict names them (`load.` prefix).
    const f = Object.fromEntries(Object.entries(verdict.figures).map(([k, v]) => [k.replace(/^load\./, ''), v]));
    canary += f['canaryRequests'] ?? 0;
    errors += f['canaryErrors'] ?? 0;
    console.log(`  bake ${String(run).padStart(2)}: ${verdict.kind.padEnd(12)} ${((Date.now() - began) / 1000).toFixed(1)} s, canary ${f['canaryErrors']}/${f['canaryRequests']} failed (burn ${f['burn']}), stable ${f['stableErrors']}/${f['stableRequests']}, observed split ${f['observedCanaryPct']}%${verdict.kind === 'pass' ? '' : ` :: ${verdict.reasons.join('; ')}`}`);
  }
  const aborts = RUNS - (kinds['pass'] ?? 0);
  console.log(`  machine load average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on 2 cores; canary ${errors}/${canary} failed over all bakes (${((100 * errors) / Math.max(1, canary)).toFixed(2)}%)`);
  console.log(`RESULT false aborts: ${aborts} of ${RUNS} healthy bakes aborted (target 0): ${JSON.stringify(kinds)}`);
} finally {
  server.stop();
}
