import type { WindowRecord } from '../domain/run-record.js';
import { verdict, type Verdict } from '../domain/verdict.js';
import type { BakeRequest, BakeResult, StepJudge } from '../load/ports.js';
import { decide, type Decision } from '../slo/decide.js';
import { anyRejected, continuedEvidence } from '../slo/evidence.js';
import { decideMesh } from '../slo/mesh.js';
import { beginStep, foldSample, type MeshProgress } from '../slo/mesh-step.js';
import { decideReadings } from '../slo/readings.js';
import { combinedDecision } from '../slo/sources.js';
import { DEFAULT_FALSE_ABORT_RATE, type SloSpec } from '../slo/spec.js';
import type { MetricsSource, Sample, SourceSession } from './ports.js';

interface Watched {
  readonly name: string;
  readonly session: SourceSession;
  latest: Verdict | undefined;
  /** The mesh policy's progress on this source's ticks and windows (load sources only). */
  mesh: MeshProgress | undefined;
  windowsJudged: number;
}

const CONTINUE: Decision = { done: false };

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
    const start = continuedEvidence(request.evidence, this.slo, this.slo.falseAbortRate ?? DEFAULT_FALSE_ABORT_RATE);
    const watched: Watched[] = this.sources.map((s) => ({ name: s.name, session: s.open(request, signal), latest: undefined, mesh: undefined, windowsJudged: 0 }));
    const mesh = (this.slo.policy ?? 'mesh') === 'mesh';
    // One source's evidence is the run's: the load source (Prometheus readings have no per-request counts).
    const carrier = mesh ? watched.find((w) => w.name === 'load') : undefined;
    if (carrier) carrier.mesh = beginStep(start);
    let result: Verdict;
    try {
      result = await this.settle(watched, request);
    } catch (error) {
      await Promise.all(watched.map((w) => w.session.close('abort').catch(() => [])));
      throw error;
    }
    const how = result.kind === 'pass' ? 'drain' : 'abort';
    const windows: WindowRecord[] = (await Promise.all(watched.map((w) => w.session.close(how)))).flat();
    return { verdict: result, windows, evidence: carrier?.mesh?.evidence ?? request.evidence };
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
    const common = { spec: this.slo, canaryPercent: request.weights.canary, bakeMs: request.bakeMs, ended: sample.ended };
    if (sample.kind === 'readings') return decideReadings({ ...common, readings: sample.readings });
    if (sample.failure !== undefined) return { done: true, verdict: verdict('error', [sample.failure], { windows: sample.windows.length }) };
    const newWindow = sample.windows.length > w.windowsJudged || sample.ended;
    w.windowsJudged = sample.windows.length;
    if (!w.mesh) return newWindow ? decide({ ...common, windows: sample.windows }) : CONTINUE;
    w.mesh = foldSample(w.mesh, sample.ticks ?? [], sample.windows);
    // Between windows only a rejected test can end the step: skip the window bookkeeping.
    if (!newWindow && !anyRejected(w.mesh.evidence)) return CONTINUE;
    return decideMesh({ ...common, windows: sample.windows, evidence: w.mesh.evidence, begun: w.mesh.begun, heldAccepted: request.heldAccepted ?? false });
  }
}
