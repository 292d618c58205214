import type { WindowRecord } from '../domain/run-record.js';
import { verdict, type Verdict } from '../domain/verdict.js';
import type { BakeRequest, BakeResult, StepJudge } from '../load/ports.js';
import type { Decision } from '../slo/decide.js';
import { LoadJudge } from '../slo/load-judge.js';
import { decideReadings } from '../slo/readings.js';
import { combinedDecision } from '../slo/sources.js';
import type { SloSpec } from '../slo/spec.js';
import type { MetricsSource, Sample, SourceSession } from './ports.js';

interface Watched {
  readonly name: string;
  readonly session: SourceSession;
  latest: Verdict | undefined;
  /** The judge of this source's load samples (the Prometheus source has readings instead). */
  readonly load: LoadJudge;
}

/**
 * The judge of a weight step: every configured source observes it at once, each sample is
 * judged by `slo/` as it comes, and the verdicts combine as `slo/sources` says (the first
 * non-pass ends the step; a pass needs every source). Then the sources are closed: drained
 * after a pass, dropped at once otherwise so the orchestrator can put traffic back on stable.
 */
export class SourcesStepJudge implements StepJudge {
  constructor(
    private readonly slo: SloSpec,
    private readonly sources: readonly MetricsSource[],
  ) {}

  async bake(request: BakeRequest, signal: AbortSignal): Promise<BakeResult> {
    const step = { canaryPercent: request.weights.canary, bakeMs: request.bakeMs, heldAccepted: request.heldAccepted ?? false };
    const watched: Watched[] = this.sources.map((s) => ({ name: s.name, session: s.open(request, signal), latest: undefined, load: new LoadJudge(this.slo, step, request.evidence) }));
    // One source's evidence is the run's: the load source's (Prometheus readings have no per-request counts).
    const carrier = watched.find((w) => w.name === 'load');
    let result: Verdict;
    try {
      result = await this.settle(watched, request);
    } catch (error) {
      await Promise.all(watched.map((w) => w.session.close('abort').catch(() => [])));
      throw error;
    }
    const how = result.kind === 'pass' ? 'drain' : 'abort';
    const windows: WindowRecord[] = (await Promise.all(watched.map((w) => w.session.close(how)))).flat();
    return { verdict: result, windows, evidence: carrier?.load.evidence ?? request.evidence };
  }

  /** Runs every source's loop until the combined verdict is reached; rejects with the first interrupt. */
  private settle(watched: readonly Watched[], request: BakeRequest): Promise<Verdict> {
    return new Promise<Verdict>((resolve, reject) => {
      let over = false;
      const update = (w: Watched, v: Verdict | undefined): boolean => {
        if (over) return false;
        w.latest = v;
        const combined = combinedDecision(watched.map((x) => ({ source: x.name, verdict: x.latest })));
        if (combined) {
          over = true;
          resolve(combined);
        }
        return !over;
      };
      for (const w of watched) {
        this.watch(w, request, (v) => update(w, v)).catch((error: unknown) => {
          if (over) return;
          over = true;
          reject(error);
        });
      }
    });
  }

  /** Judges each sample of one source until the step is settled (`update` says false) or the source ended. */
  private async watch(w: Watched, request: BakeRequest, update: (v: Verdict | undefined) => boolean): Promise<void> {
    for (;;) {
      const sample = await w.session.next();
      const d = this.judge(w, sample, request);
      const v = d.done ? d.verdict : sample.ended ? verdict('error', ['the source stopped before its judge reached a verdict']) : undefined;
      if (!update(v) || sample.ended) return;
    }
  }

  private judge(w: Watched, sample: Sample, request: BakeRequest): Decision {
    if (sample.kind === 'readings') return decideReadings({ spec: this.slo, canaryPercent: request.weights.canary, bakeMs: request.bakeMs, ended: sample.ended, readings: sample.readings });
    if (sample.failure !== undefined) return { done: true, verdict: verdict('error', [sample.failure], { windows: sample.windows.length }) };
    return w.load.judge(sample);
  }
}
