/** A slice of the bench's runs, as sent to a worker, and running it: pure. */
import { seeded } from '../test/support/seeded.js';
import { BAKE_MS, DETECTION_CASES, FALSE_ABORT_CASES, detectionSteps, falseAbortSteps, runSeed, type DetectionCase, type FalseAbortCase, type Section } from './judge-cases.js';
import { runRun, type RunOutcome } from './sim-judges.js';

export interface Job {
  readonly section: Section;
  readonly caseIndex: number;
  /** Run indexes [from, to). */
  readonly from: number;
  readonly to: number;
}

export interface JobResult {
  readonly job: Job;
  /** Per run, each judge's outcome in POLICIES order. */
  readonly runs: readonly (readonly RunOutcome[])[];
}

export function runJob(job: Job): JobResult {
  const steps = job.section === 'false-aborts' ? falseAbortSteps(FALSE_ABORT_CASES[job.caseIndex] as FalseAbortCase) : detectionSteps(DETECTION_CASES[job.caseIndex] as DetectionCase);
  const runs: RunOutcome[][] = [];
  for (let run = job.from; run < job.to; run++) runs.push(runRun(steps, BAKE_MS, seeded(runSeed(job.section, job.caseIndex, run))));
  return { job, runs };
}

/** The runs of a section cut into jobs of `size`, case by case. */
export function jobsOf(section: Section, cases: number, runs: number, size: number): Job[] {
  const jobs: Job[] = [];
  for (let c = 0; c < cases; c++) for (let from = 0; from < runs; from += size) jobs.push({ section, caseIndex: c, from, to: Math.min(runs, from + size) });
  return jobs;
}
