import type { WindowRecord } from '../domain/run-record.js';
import { verdict, type Verdict } from '../domain/verdict.js';
import { decide } from '../slo/decide.js';
import { maxBakeMs, type SloSpec } from '../slo/spec.js';
import { windowFigures, type WindowStats } from '../slo/window.js';
import { runLoad, type LoadOutcome, type LoadPlan } from './autocannon-load.js';
import type { BakeRequest, BakeResult, StepJudge } from './ports.js';
import type { LoadProfile } from './profile.js';

/** Runs the load of one bake; a test may swap in another runner with the same contract. */
export type LoadRunner = (plan: LoadPlan, signal: AbortSignal) => Promise<LoadOutcome>;

/**
 * The judge of a weight step: autocannon load through the gateway for the bake time, cut
 * into windows per revision, with `slo/decide` asked after every window. The first
 * verdict ends the load: a pass drains in-flight requests, anything else drops the
 * connections at once so the orchestrator can put traffic back on stable.
 */
export class SloStepJudge implements StepJudge {
  constructor(
    private readonly slo: SloSpec,
    private readonly profile: LoadProfile,
    private readonly run: LoadRunner = runLoad,
  ) {}

  async bake(request: BakeRequest, signal: AbortSignal): Promise<BakeResult> {
    const url = this.profile.target ?? request.url;
    if (!url) return { verdict: verdict('error', ['no URL to send load to: give --gateway-url, or a target in the load profile']), windows: [] };
    let decided: Verdict | undefined;
    const judge = (windows: readonly WindowStats[], last: boolean): 'continue' | 'drain' | 'abort' => {
      const d = decide({ spec: this.slo, canaryPercent: request.weights.canary, bakeMs: request.bakeMs, windows, ended: last });
      if (!d.done) return 'continue';
      decided = d.verdict;
      return d.verdict.kind === 'pass' ? 'drain' : 'abort';
    };
    const outcome = await this.run(
      { url, profile: this.profile, revisions: request.revisions, windowMs: this.slo.windowMs, p99Ms: this.slo.p99Ms, capMs: maxBakeMs(this.slo, request.bakeMs) + 2 * this.slo.windowMs, onWindow: judge },
      signal,
    );
    const windows = outcome.windows.map(toRecord);
    if (decided) return { verdict: decided, windows };
    const reason = outcome.failure ?? 'the load ended before the judge reached a verdict';
    return { verdict: verdict('error', [`load: ${reason} (target ${url})`], { windows: windows.length }), windows };
  }
}

export function toRecord(w: WindowStats): WindowRecord {
  return { start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString(), figures: windowFigures(w) };
}
