/**
 * What `make bench-judges` prints, from the runs' outcomes: pure, one function per table.
 * Both judges of a case are on adjacent lines, from the same simulated draws.
 */
import { BAKE_MS, ONSET_MS, STEPS, type DetectionCase, type FalseAbortCase } from './judge-cases.js';
import { isAbort, POLICIES, ruleOf, type RunOutcome } from './sim-judges.js';
import { median, percentile, tallyText, wilson } from './sim-stats.js';

const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
const share = (k: number, n: number): string => `${pct(k / n)} (${k}/${n})`;
const interval = (k: number, n: number): string => {
  const w = wilson(k, n);
  return `[${pct(w.low)}, ${pct(w.high)}]`;
};

/** The rule of a verdict that did not pass, and the step it ended. */
const ending = (o: RunOutcome): string => `${o.kind} ${ruleOf(o.reason)} at ${STEPS[o.step] ?? '?'}%`;

export interface FalseAbortFigures {
  readonly aborted: number;
  readonly held: number;
  readonly runs: number;
  readonly heldNamesBoth: number;
}

/** A held verdict whose reason names the canary's and the stable's error rates (mesh.ts `alike`). */
export function namesBothRates(reason: string): boolean {
  return /fails \d+\.\d+% on the canary \(\d+\/\d+\) and \d+\.\d+% on the stable \(\d+\/\d+\)/.test(reason);
}

export function falseAbortFigures(outcomes: readonly RunOutcome[]): FalseAbortFigures {
  const held = outcomes.filter((o) => o.kind === 'held');
  return { aborted: outcomes.filter((o) => isAbort(o.kind)).length, held: held.length, runs: outcomes.length, heldNamesBoth: held.filter((o) => namesBothRates(o.reason)).length };
}

/** One case's lines: per judge, the aborted share with its interval, the held share, the verdicts and the rules that ended runs. */
export function falseAbortLines(c: FalseAbortCase, runs: readonly (readonly RunOutcome[])[]): string[] {
  const lines = [`  ${c.name} (${runs.length} runs)`];
  POLICIES.forEach((policy, p) => {
    const outcomes = runs.map((r) => r[p] as RunOutcome);
    const f = falseAbortFigures(outcomes);
    const held = policy === 'mesh' ? `held ${share(f.held, f.runs)}` : 'held -';
    lines.push(`    ${policy.padEnd(9)} aborted ${share(f.aborted, f.runs).padEnd(18)} 95% ${interval(f.aborted, f.runs).padEnd(18)} ${held.padEnd(22)} verdicts: ${tallyText(outcomes.map((o) => o.kind))}`);
    const ended = outcomes.filter((o) => o.kind !== 'pass');
    if (ended.length > 0) lines.push(`              ended by: ${tallyText(ended.map(ending))}`, `              e.g. ${(ended[0] as RunOutcome).reason}`);
  });
  return lines;
}

/** Seconds from the onset to an abort verdict within the bake, or Infinity (not detected, or aborted before the onset). */
export function detectionSeconds(o: RunOutcome): number {
  const after = o.atMs - ONSET_MS;
  return isAbort(o.kind) && after >= 0 && after <= BAKE_MS ? after / 1000 : Number.POSITIVE_INFINITY;
}

export interface DetectionFigures {
  readonly medianS: number;
  readonly p90S: number;
  readonly missed: number;
  readonly early: number;
  readonly runs: number;
}

export function detectionFigures(outcomes: readonly RunOutcome[]): DetectionFigures {
  const times = outcomes.map(detectionSeconds);
  return { medianS: median(times), p90S: percentile(times, 0.9), missed: times.filter((t) => !Number.isFinite(t)).length, early: outcomes.filter((o) => isAbort(o.kind) && o.atMs < ONSET_MS).length, runs: outcomes.length };
}

export const secs = (s: number): string => (Number.isFinite(s) ? `${s.toFixed(1)} s` : `> ${BAKE_MS / 1000} s`);

export function detectionLines(c: DetectionCase, runs: readonly (readonly RunOutcome[])[]): string[] {
  const lines = [`  ${c.name} (${runs.length} runs)`];
  POLICIES.forEach((policy, p) => {
    const outcomes = runs.map((r) => r[p] as RunOutcome);
    const f = detectionFigures(outcomes);
    const early = f.early > 0 ? ` (${f.early} aborted before the onset)` : '';
    lines.push(`    ${policy.padEnd(9)} median ${secs(f.medianS).padEnd(8)} p90 ${secs(f.p90S).padEnd(8)} not detected within ${BAKE_MS / 1000} s: ${share(f.missed, f.runs).padEnd(16)} 95% ${interval(f.missed, f.runs)}${early}`);
    const aborts = outcomes.filter((o) => isAbort(o.kind));
    lines.push(`              verdicts: ${tallyText(outcomes.map((o) => o.kind))}${aborts.length > 0 ? `; aborted by: ${tallyText(aborts.map((o) => ruleOf(o.reason)))}` : ''}`);
  });
  return lines;
}

export const verdictMark = (met: boolean): string => (met ? 'met' : 'NOT met');

const meshOf = (runs: readonly (readonly RunOutcome[])[]): RunOutcome[] => runs.map((r) => r[POLICIES.indexOf('mesh')] as RunOutcome);

/**
 * The issue's goals for the mesh judge, one RESULT line each: at most 1% of healthy runs
 * aborted; the application failing on both revisions held (its aborts within the same 1%,
 * at least 99% held, each naming both rates); the 5× regression detected within one bake
 * (by the median, as the issue states it; the share missed is printed beside it).
 */
export function goalLines(falseAborts: readonly FalseAbortCase[], fa: readonly (readonly (readonly RunOutcome[])[])[], detection: readonly DetectionCase[], de: readonly (readonly (readonly RunOutcome[])[])[]): string[] {
  const lines = falseAborts.map((c, i) => {
    const f = falseAbortFigures(meshOf(fa[i] ?? []));
    if (c.healthy) return `RESULT judges false aborts, ${c.name}: mesh aborted ${share(f.aborted, f.runs)}, 95% ${interval(f.aborted, f.runs)}; target <= 1%: ${verdictMark(f.aborted <= 0.01 * f.runs)}`;
    const met = f.aborted <= 0.01 * f.runs && f.held >= 0.99 * f.runs && f.heldNamesBoth === f.held;
    return `RESULT judges ${c.name}: mesh held ${share(f.held, f.runs)}, aborted ${share(f.aborted, f.runs)} (95% ${interval(f.aborted, f.runs)}), held reasons naming both rates ${f.heldNamesBoth}/${f.held}; target: held, not aborted (aborts <= 1%, held >= 99%, both rates named): ${verdictMark(met)}`;
  });
  const i = detection.findIndex((c) => c.name.startsWith('errors 5×'));
  const five = detectionFigures(meshOf(de[i] ?? []));
  lines.push(`RESULT judges detection, ${detection[i]?.name}: mesh median ${secs(five.medianS)}, p90 ${secs(five.p90S)}, not detected within ${BAKE_MS / 1000} s in ${share(five.missed, five.runs)}; target: detected within one ${BAKE_MS / 1000} s bake at 10% (median): ${verdictMark(five.medianS <= BAKE_MS / 1000)}`);
  return lines;
}
