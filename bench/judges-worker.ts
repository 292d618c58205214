/**
 * A worker thread of bench/judges.ts: runs the simulated runs it is sent (a case and a range
 * of run indexes) and posts each run's outcomes back. The judges are pure and CPU-bound, so
 * the bench spreads runs over the machine's cores this way.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './judge-jobs.js';

parentPort?.on('message', (job: Job) => parentPort?.postMessage(runJob(job)));
