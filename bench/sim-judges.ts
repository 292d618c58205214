/**
 * Both step judges driven over simulated streams (bench/sim-stream.ts) by the product's own
 * driver (src/slo/load-judge.ts, as src/metrics/step-judge.ts uses it), the mesh judge's
 * evidence carried from step to step. Both judges of a run see the very same draws (they run in lockstep on one stream per
 * step), so their figures differ by the judge alone.
 *
 * One simplification: at a window's end the tick and the window are one sample (the live
 * load offers them ~simultaneously, from two timers, in either order).
 */
import { verdict, type Verdict } from '../src/domain/verdict.js';
import type { Evidence } from '../src/slo/evidence.js';
import { LoadJudge, type LoadSample } from '../src/slo/load-judge.js';
import { DEFAULT_SLO, maxBakeMs, type SloPolicy, type SloSpec } from '../src/slo/spec.js';
import { StepStream, type StepLoad } from './sim-stream.js';

export const POLICIES = ['absolute', 'mesh'] as const satisfies readonly SloPolicy[];

export function specFor(policy: SloPolicy): SloSpec {
  return { ...DEFAULT_SLO, policy };
}

/** One judge of one step: the product's LoadJudge, and the error SourcesStepJudge gives a source that ended undecided. */
export class SimStepJudge {
  private readonly load: LoadJudge;

  constructor(
    readonly spec: SloSpec,
    canaryPercent: number,
    bakeMs: number,
    evidence: Evidence | undefined,
  ) {
    this.load = new LoadJudge(spec, { canaryPercent, bakeMs, heldAccepted: false }, evidence);
  }

  /** The run's evidence after this step (what the next step begins from). */
  get evidence(): Evidence | undefined {
    return this.load.evidence;
  }

  judge(sample: LoadSample): Verdict | undefined {
    const d = this.load.judge(sample);
    return d.done ? d.verdict : sample.ended ? verdict('error', ['the source stopped before its judge reached a verdict']) : undefined;
  }
}

/** A judge's verdict on a step and when it came, in ms from the step's start. */
export interface StepOutcome {
  readonly verdict: Verdict;
  readonly atMs: number;
}

/**
 * Grows `stream` a tick at a time, handing each judge every sample until it has a verdict
 * (the load's cap, as src/load/load-source.ts sets it, ends the step otherwise).
 */
export function runStep(stream: StepStream, judges: readonly SimStepJudge[], bakeMs: number): StepOutcome[] {
  const out: Array<StepOutcome | undefined> = judges.map(() => undefined);
  const spec = judges[0]?.spec ?? DEFAULT_SLO;
  const capMs = maxBakeMs(spec, bakeMs) + 2 * spec.windowMs;
  while (out.some((o) => o === undefined)) {
    const closed = stream.nextTick();
    const sample = { windows: stream.windows, ticks: stream.ticks, ended: closed && stream.nowMs >= capMs };
    judges.forEach((j, i) => {
      if (out[i] !== undefined) return;
      const v = j.judge(sample);
      if (v) out[i] = { verdict: v, atMs: stream.nowMs };
    });
  }
  return out as StepOutcome[];
}

/** How a simulated run ended for one judge: every step passed, or the first verdict that was not a pass. */
export interface RunOutcome {
  readonly kind: Verdict['kind'];
  /** Index of the step that ended the run (the last step when every step passed). */
  readonly step: number;
  readonly atMs: number;
  readonly reason: string;
}

/**
 * One run of consecutive steps, both judges on the same draws: a judge whose step does not
 * pass leaves the run there (an abort, or a held step that waits for the user); the other
 * goes on alone.
 */
export function runRun(steps: readonly StepLoad[], bakeMs: number, random: () => number, policies: readonly SloPolicy[] = POLICIES): RunOutcome[] {
  const outcomes: Array<RunOutcome | undefined> = policies.map(() => undefined);
  const evidence: Array<Evidence | undefined> = policies.map(() => undefined);
  steps.forEach((load, s) => {
    const alive = policies.flatMap((p, i) => (outcomes[i] === undefined ? [i] : []));
    if (alive.length === 0) return;
    const judges = alive.map((i) => new SimStepJudge(specFor(policies[i] as SloPolicy), load.canaryPercent, bakeMs, evidence[i]));
    const results = runStep(new StepStream(load, random), judges, bakeMs);
    alive.forEach((i, k) => {
      const r = results[k] as StepOutcome;
      evidence[i] = (judges[k] as SimStepJudge).evidence;
      if (r.verdict.kind !== 'pass' || s === steps.length - 1) outcomes[i] = { kind: r.verdict.kind, step: s, atMs: r.atMs, reason: r.verdict.reasons[0] ?? '' };
    });
  });
  return outcomes as RunOutcome[];
}

/** A verdict's rule: the reason's text up to its first colon (`fast-burn`, `canary-burn`, `split`, ...). */
export function ruleOf(reason: string): string {
  const i = reason.indexOf(':');
  return i > 0 && i < 40 ? reason.slice(0, i) : reason.slice(0, 40);
}

/** Verdicts that abort a run (revert); `held` pauses it and `pass` goes on. */
export function isAbort(kind: Verdict['kind']): boolean {
  return kind === 'fail' || kind === 'inconclusive' || kind === 'error';
}
