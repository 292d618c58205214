/**
 * The procedure's phases in the order they run. The run record stores the last phase
 * that completed, so a second run resumes after it.
 */
export const PHASES = [
  'preflight',
  'canary-nodes',
  'control-plane',
  'data-plane',
  'workloads',
  'smoke',
  'steps',
  'promote',
] as const;
export type Phase = (typeof PHASES)[number];

/** Where a run ended, or `running` while it has not. */
export type Outcome = 'running' | 'promoted' | 'aborted' | 'reverted' | 'interrupted' | 'failed';

export function phaseIndex(p: Phase): number {
  return PHASES.indexOf(p);
}

/** True when `done` is at or past `phase`: that phase need not run again. */
export function isPhaseDone(done: Phase | undefined, phase: Phase): boolean {
  return done !== undefined && phaseIndex(done) >= phaseIndex(phase);
}
