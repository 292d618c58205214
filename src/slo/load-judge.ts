import { decide, type Decision } from './decide.js';
import { anyRejected, continuedEvidence, type Evidence, type TickCounts } from './evidence.js';
import { decideMesh } from './mesh.js';
import { beginStep, foldSample, type MeshProgress } from './mesh-step.js';
import { DEFAULT_FALSE_ABORT_RATE, type SloSpec } from './spec.js';
import type { WindowStats } from './window.js';

/** What a load source has of a step so far (cumulative), as the judge needs it. */
export interface LoadSample {
  readonly windows: readonly WindowStats[];
  readonly ticks?: readonly TickCounts[] | undefined;
  readonly ended: boolean;
}

export interface LoadStep {
  readonly canaryPercent: number;
  readonly bakeMs: number;
  /** An earlier step of the run was held and the user went on (mesh policy). */
  readonly heldAccepted: boolean;
}

/**
 * The judge of one step's load samples under the SLO's policy: the absolute judge (`decide`)
 * after every new window; the mesh judge (`decideMesh`) after every window, and between
 * windows only once a canary test has rejected, on the run's evidence with each tick and
 * window folded in once. No I/O: the step judge and the benchmarks drive it alike.
 */
export class LoadJudge {
  private windowsJudged = 0;
  private mesh: MeshProgress | undefined;

  constructor(
    private readonly spec: SloSpec,
    private readonly step: LoadStep,
    evidence: Evidence | undefined,
  ) {
    if ((spec.policy ?? 'mesh') === 'mesh') this.mesh = beginStep(continuedEvidence(evidence, spec, spec.falseAbortRate ?? DEFAULT_FALSE_ABORT_RATE));
  }

  /** The run's evidence after what was judged (mesh policy), undefined under the absolute one. */
  get evidence(): Evidence | undefined {
    return this.mesh?.evidence;
  }

  judge(sample: LoadSample): Decision {
    const state = { spec: this.spec, canaryPercent: this.step.canaryPercent, bakeMs: this.step.bakeMs, ended: sample.ended, windows: sample.windows };
    const newWindow = sample.windows.length > this.windowsJudged || sample.ended;
    this.windowsJudged = sample.windows.length;
    if (!this.mesh) return newWindow ? decide(state) : { done: false };
    this.mesh = foldSample(this.mesh, sample.ticks ?? [], sample.windows);
    // Between windows only a rejected test can end the step: skip the window bookkeeping.
    if (!newWindow && !anyRejected(this.mesh.evidence)) return { done: false };
    return decideMesh({ ...state, evidence: this.mesh.evidence, begun: this.mesh.begun, heldAccepted: this.step.heldAccepted });
  }
}
