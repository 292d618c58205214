import { record } from '../../../src/slo/histogram.js';
import { DEFAULT_SLO, type SloSpec } from '../../../src/slo/spec.js';
import { emptyWindow, type RevisionStats, type WindowStats } from '../../../src/slo/window.js';

/** What a revision served in a test window: counts, and latencies spread evenly over [lowMs, highMs]. */
export interface Served {
  readonly n: number;
  readonly errors?: number;
  readonly lowMs?: number;
  readonly highMs?: number;
}

export interface WindowSpec {
  readonly stable?: Served;
  readonly canary?: Served;
  readonly unlabelled?: number;
  readonly unlabelledErrors?: number;
  readonly timeouts?: number;
  readonly connectionErrors?: number;
  readonly ms?: number;
}

export const SPEC: SloSpec = DEFAULT_SLO;

function fill(r: RevisionStats, s: Served | undefined, spec: SloSpec): void {
  if (!s) return;
  const low = s.lowMs ?? 10;
  const high = s.highMs ?? 20;
  for (let i = 0; i < s.n; i++) {
    const ms = s.n === 1 ? low : low + ((high - low) * i) / (s.n - 1);
    record(r.latency, ms);
    if (ms > spec.p99Ms) r.slow++;
  }
  r.requests += s.n;
  r.errors += s.errors ?? 0;
}

/** Windows back to back, 1 s each unless `ms` says otherwise. */
export function windows(specs: readonly WindowSpec[], spec: SloSpec = SPEC): WindowStats[] {
  let t = 0;
  return specs.map((s) => {
    const w = emptyWindow(t, t + (s.ms ?? spec.windowMs));
    t = w.endMs;
    fill(w.stable, s.stable, spec);
    fill(w.canary, s.canary, spec);
    w.unlabelled = (s.unlabelled ?? 0) + (s.unlabelledErrors ?? 0);
    w.unlabelledErrors = s.unlabelledErrors ?? 0;
    w.timeouts = s.timeouts ?? 0;
    w.connectionErrors = s.connectionErrors ?? 0;
    return w;
  });
}

/** `count` copies of one window shape. */
export function repeat(count: number, s: WindowSpec): WindowSpec[] {
  return Array.from({ length: count }, () => s);
}

/** 500 rps at a canary weight, healthy: the ISTIO-FACTS example load. */
export function healthy(canaryPercent: number, rps = 500): WindowSpec {
  const canary = Math.round((rps * canaryPercent) / 100);
  return { stable: { n: rps - canary }, canary: { n: canary } };
}
