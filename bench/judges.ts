/**
 * Benchmark 4, the step judges side by side (issue 15), simulated: no cluster, no load
 * generator. Every run draws its streams once (bench/sim-stream.ts) and both judges, the
 * absolute one (`slo.policy: absolute`, src/slo/decide.ts) and the mesh one (the default,
 * src/slo/mesh.ts on run-wide evidence), judge those same draws as the step judge drives
 * them (bench/sim-judges.ts).
 *  1. False aborts: healthy runs of three steps (10%, 50%, 100%), 60 s bakes, both
 *     revisions at the same error rate; and an application failing 1% on both, which the
 *     mesh judge should hold (pause) rather than abort.
 *  2. Detection: a canary regression from 5 s into the 10% step; time from the onset to the
 *     abort verdict (mesh: 100 ms ticks; absolute: 1 s windows).
 * Knobs: BENCH_SIM_RUNS (false-abort runs per case, default 1000), BENCH_SIM_DETECT_RUNS
 * (default 200), BENCH_THREADS (default: the machine's cores). Prints figures; never fails.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SLO } from '../src/slo/spec.js';
import { BUDGET, DETECT_BASE_RATE, DETECT_WEIGHT, DETECTION_CASES, FALSE_ABORT_CASES, LATENCY, ONSET_MS, RPS, STEPS, BAKE_MS, type Section } from './judge-cases.js';
import { jobsOf, runJob, type Job, type JobResult } from './judge-jobs.js';
import { detectionLines, falseAbortLines, goalLines } from './judges-report.js';
import { envNumber } from './lib.js';
import type { RunOutcome } from './sim-judges.js';

const RUNS = envNumber('BENCH_SIM_RUNS', 1000);
const DETECT_RUNS = envNumber('BENCH_SIM_DETECT_RUNS', 200);
const THREADS = Math.max(1, envNumber('BENCH_THREADS', availableParallelism()));
const JOB_SIZE = 20;

/** Runs every job on THREADS workers (or in this thread for one), a job to whichever is free. */
async function runAll(jobs: readonly Job[]): Promise<JobResult[]> {
  if (THREADS === 1) return jobs.map(runJob);
  const queue = [...jobs];
  const results: JobResult[] = [];
  const workers = Array.from({ length: Math.min(THREADS, jobs.length) }, () => startWorker());
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const next = (): void => {
              const job = queue.shift();
              if (job) w.postMessage(job);
              else resolve();
            };
            w.on('message', (r: JobResult) => void (results.push(r), next()));
            w.once('error', reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** A worker running bench/judges-worker.ts: a small ES module that registers tsx in the new thread first (Node 20 does not carry this thread's loader hooks over to workers). */
function startWorker(): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./judges-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
}

/** Each case's runs in run order. */
function byCase(results: readonly JobResult[], section: Section, cases: number): RunOutcome[][][] {
  const mine = results.filter((r) => r.job.section === section).sort((a, b) => a.job.caseIndex - b.job.caseIndex || a.job.from - b.job.from);
  return Array.from({ length: cases }, (_, c) => mine.filter((r) => r.job.caseIndex === c).flatMap((r) => r.runs.map((o) => [...o])));
}

const began = Date.now();
const load0 = loadavg();
const cpu0 = process.cpuUsage();
const latency = `lognormal latency (median ${LATENCY.medianMs} ms, p99 ${LATENCY.p99Ms} ms; SLO bound ${DEFAULT_SLO.p99Ms} ms)`;
console.log(`Judges side by side (simulated, no cluster): absolute = slo.policy absolute (src/slo/decide.ts), mesh = the default (src/slo/mesh.ts, run-wide α ${DEFAULT_SLO.falseAbortRate}); both judge the same draws; ${THREADS} thread(s)`);

const faJobs = jobsOf('false-aborts', FALSE_ABORT_CASES.length, RUNS, JOB_SIZE);
const deJobs = jobsOf('detection', DETECTION_CASES.length, DETECT_RUNS, JOB_SIZE);
const faStart = Date.now();
const faResults = await runAll(faJobs);
const faMs = Date.now() - faStart;
const deResults = await runAll(deJobs);
const deMs = Date.now() - faStart - faMs;

console.log(`\n1. False aborts: ${RUNS} runs per case of ${STEPS.length} steps (${STEPS.join('%, ')}%) × ${BAKE_MS / 1000} s bakes at ${DEFAULT_SLO.windowMs / 1000} s windows (plus settling, until the judge decides), ${RPS} rps split binomially by the weight, Bernoulli errors at the case's rate on both revisions, ${latency}; budget ${(100 * BUDGET).toFixed(2)}%. Aborts = fail, inconclusive, error; held (mesh: both revisions break the SLO alike) pauses the run and is counted apart. ${(faMs / 1000).toFixed(1)} s`);
const fa = byCase(faResults, 'false-aborts', FALSE_ABORT_CASES.length);
FALSE_ABORT_CASES.forEach((c, i) => console.log(falseAbortLines(c, fa[i] ?? []).join('\n')));

console.log(`\n2. Detection: the canary regresses ${ONSET_MS / 1000} s into the ${DETECT_WEIGHT}% step (the run's first; split verified), ${RPS} rps, stable at ${100 * DETECT_BASE_RATE}% errors, ${latency}. Time from the onset to the abort verdict: mesh at 100 ms ticks, absolute at 1 s windows; runs not aborted within the ${BAKE_MS / 1000} s bake count as not detected (> ${BAKE_MS / 1000} s in the median and p90). ${(deMs / 1000).toFixed(1)} s`);
const de = byCase(deResults, 'detection', DETECTION_CASES.length);
DETECTION_CASES.forEach((c, i) => console.log(detectionLines(c, de[i] ?? []).join('\n')));

console.log(['\nGoals (mesh judge):', ...goalLines(FALSE_ABORT_CASES, fa, DETECTION_CASES, de)].join('\n'));

const cpu = process.cpuUsage(cpu0);
const wallS = (Date.now() - began) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(`\n3. Wall time ${wallS.toFixed(1)} s (false aborts ${(faMs / 1000).toFixed(1)} s, detection ${(deMs / 1000).toFixed(1)} s), CPU ${cpuS.toFixed(1)} s over ${THREADS} thread(s) on ${availableParallelism()} cores (${(cpuS / wallS).toFixed(2)} of them busy with this bench on average); load average (1/5/15 min) ${load0.map((l) => l.toFixed(2)).join('/')} at the start, ${loadavg().map((l) => l.toFixed(2)).join('/')} at the end`);
