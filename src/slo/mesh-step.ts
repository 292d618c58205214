import { observeTick, observeWindow, latencyThreshold, type Evidence, type TickCounts } from './evidence.js';
import { emptyHistogram, mergeInto, type Histogram } from './histogram.js';
import type { WindowStats } from './window.js';

/**
 * Where one step's judging stands under the mesh policy: the run's evidence with every tick
 * and window seen so far folded in, exactly once. Sources hand over cumulative samples; this
 * folds only what is new, so the judge's work per look is the new data, not the whole step.
 */
export interface MeshProgress {
  readonly evidence: Evidence;
  /** The evidence when the step began. */
  readonly begun: Evidence;
  readonly ticksSeen: number;
  readonly windowsSeen: number;
  /** The stable's latencies of the windows folded in so far: the next window's yardstick. */
  readonly earlierStable: Histogram;
}

export function beginStep(evidence: Evidence): MeshProgress {
  return { evidence, begun: evidence, ticksSeen: 0, windowsSeen: 0, earlierStable: emptyHistogram() };
}

/** Folds the ticks and windows not seen yet (both lists are the step's, cumulative). */
export function foldSample(p: MeshProgress, ticks: readonly TickCounts[], windows: readonly WindowStats[]): MeshProgress {
  let evidence = p.evidence;
  for (let i = p.ticksSeen; i < ticks.length; i++) evidence = observeTick(evidence, ticks[i] as TickCounts);
  let earlierStable = p.earlierStable;
  if (windows.length > p.windowsSeen) {
    earlierStable = mergeInto(emptyHistogram(), p.earlierStable);
    for (let i = p.windowsSeen; i < windows.length; i++) {
      const w = windows[i] as WindowStats;
      evidence = observeWindow(evidence, w, latencyThreshold(earlierStable));
      mergeInto(earlierStable, w.stable.latency);
    }
  }
  return { evidence, begun: p.begun, ticksSeen: Math.max(p.ticksSeen, ticks.length), windowsSeen: Math.max(p.windowsSeen, windows.length), earlierStable };
}
