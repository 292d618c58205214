/**
 * What `make bench-live-judges` prints, from its runs: pure, so it is unit-tested
 * (test/unit/bench). The figures are bench-judges' (judges-report.ts) for the same cases, so
 * the two can be read side by side: aborted share with its 95% interval, detection medians.
 */
import { median, tallyText, wilson } from './sim-stats.js';

export interface LiveCase {
  readonly name: string;
  readonly title: string;
  /** The canary's error rate from the onset on. */
  readonly canaryRate: number;
  /** The onset, after the route reached 10%. */
  readonly onsetMs: number;
  readonly kind: 'healthy' | 'regression' | 'burst';
}

export interface LiveRun {
  readonly exitCode: number;
  readonly seconds: number;
  /** Whether the route ever reached the 10% step (a run that failed before it measured nothing). */
  readonly reachedTen: boolean;
  /** The canary weight the route was reverted from, when it was. */
  readonly revertedFrom: number | undefined;
  /** From the onset to the route's canary weight back at 0, when it was reverted. */
  readonly detectMs: number | undefined;
  readonly verdict: string;
}

/** The CLI's exit codes that end a run here (README "Exit codes"). */
const EXIT_NAMES: Record<number, string> = { 0: 'promoted', 3: 'aborted', 5: 'held' };
const exitName = (code: number): string => EXIT_NAMES[code] ?? `exit ${code}`;

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const share = (k: number, n: number): string => `${pct(k / Math.max(1, n))} (${k}/${n})`;
const interval = (k: number, n: number): string => {
  const w = wilson(k, n);
  return `[${pct(w.low)}, ${pct(w.high)}]`;
};
const secs = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never');

/** Milliseconds from the onset to the revert of a run reverted from the 10% step after its onset; Infinity otherwise (bench-judges' "not detected within the bake"). */
export function detectionAtTen(r: LiveRun): number {
  return r.exitCode === 3 && r.revertedFrom === 10 && r.detectMs !== undefined && r.detectMs >= 0 ? r.detectMs : Number.POSITIVE_INFINITY;
}

export function liveLines(c: LiveCase, runs: readonly LiveRun[], bakeS: number): string[] {
  const n = runs.length;
  const measured = runs.filter((r) => r.reachedTen);
  const lines = [`  ${c.title} (${n} runs): ${tallyText(runs.map((r) => exitName(r.exitCode)))}`];
  if (measured.length < n) lines.push(`    ${n - measured.length} run(s) ended before the 10% step: not counted`);
  const m = measured.length;
  if (c.kind === 'healthy') {
    const aborted = measured.filter((r) => r.exitCode === 3).length;
    const held = measured.filter((r) => r.exitCode === 5).length;
    lines.push(`    false aborts ${share(aborted, m)} 95% ${interval(aborted, m)}; held ${share(held, m)}; median run ${(median(measured.map((r) => r.seconds)) || 0).toFixed(0)} s`);
    return lines;
  }
  const atTen = measured.map(detectionAtTen);
  const missed = atTen.filter((t) => !Number.isFinite(t)).length;
  const found = atTen.filter(Number.isFinite);
  const range = found.length > 0 ? ` (min ${secs(Math.min(...found))}, max ${secs(Math.max(...found))})` : '';
  lines.push(`    onset -> route back at 0%, reverted from the 10% step: median ${secs(median(atTen))}${range}; not detected within the ${bakeS} s bake at 10%: ${share(missed, m)}`);
  const later = measured.filter((r) => r.exitCode === 3 && r.revertedFrom !== 10);
  if (later.length > 0) lines.push(`    reverted at a later step: ${tallyText(later.map((r) => `${r.revertedFrom}%`))}`);
  if (c.kind === 'burst') lines.push(`    goal: median <= 0.5 s: ${median(atTen) <= 500 ? 'met' : 'NOT met'}`);
  if (c.kind === 'regression') lines.push(`    goal: detected within one ${bakeS} s bake at 10% (median): ${median(atTen) <= bakeS * 1000 ? 'met' : 'NOT met'}`);
  return lines;
}
