// Staged faults of a ztunnel revision, read from its DaemonSet's annotations (the ztunnel chart
// sets them through its `annotations` value; a test may also `kubectl annotate --overwrite`).
// Every request to a pod on a node served by that ztunnel suffers them.

export const FAULT = {
  errorRate: 'sim.ambient-canary.dev/error-rate',
  statusCode: 'sim.ambient-canary.dev/status-code',
  latencyMs: 'sim.ambient-canary.dev/latency-ms',
  afterSeconds: 'sim.ambient-canary.dev/after-seconds',
  since: 'sim.ambient-canary.dev/fault-since',
} as const;

export interface Fault {
  errorRate: number;
  statusCode: number;
  latencyMs: number;
  afterSeconds: number;
  /** Explicit start of the fault clock (ms since epoch), from fault-since. */
  sinceMs: number | undefined;
  /** Annotation values that were ignored, for the log. */
  problems: string[];
}

function num(annotations: Record<string, string>, key: string, min: number, max: number, problems: string[]): number | undefined {
  const raw = annotations[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (Number.isFinite(v) && v >= min && v <= max) return v;
  problems.push(`${key}=${raw} (expected ${min}..${max})`);
  return undefined;
}

export function parseFault(annotations: Record<string, string> | undefined): Fault {
  const a = annotations ?? {};
  const problems: string[] = [];
  const sinceRaw = a[FAULT.since];
  const since = sinceRaw ? Date.parse(sinceRaw) : undefined;
  if (sinceRaw && !Number.isFinite(since)) problems.push(`${FAULT.since}=${sinceRaw} (expected RFC 3339)`);
  return {
    errorRate: num(a, FAULT.errorRate, 0, 1, problems) ?? 0,
    statusCode: Math.trunc(num(a, FAULT.statusCode, 100, 599, problems) ?? 503),
    latencyMs: num(a, FAULT.latencyMs, 0, 600_000, problems) ?? 0,
    afterSeconds: num(a, FAULT.afterSeconds, 0, 31_536_000, problems) ?? 0,
    sinceMs: since !== undefined && Number.isFinite(since) ? since : undefined,
    problems,
  };
}

export function hasFault(f: Fault): boolean {
  return f.errorRate > 0 || f.latencyMs > 0;
}

/** Changes when any setting changes, which restarts the fault clock. */
export function faultSignature(f: Fault): string {
  return `${f.errorRate}|${f.statusCode}|${f.latencyMs}|${f.afterSeconds}|${f.sinceMs ?? ''}`;
}

/**
 * When the fault clock of each DaemonSet started: fault-since if given; else the moment the
 * simulator saw the fault settings change; for settings already present when the simulator
 * first saw the DaemonSet, its creationTimestamp.
 */
export class FaultClock {
  private readonly seen = new Map<string, { signature: string; startMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  startOf(uid: string, fault: Fault, createdMs: number): number {
    const signature = faultSignature(fault);
    const prev = this.seen.get(uid);
    let startMs = prev?.startMs ?? createdMs;
    if (prev && prev.signature !== signature) startMs = this.now();
    this.seen.set(uid, { signature, startMs });
    return fault.sinceMs ?? startMs;
  }

  forget(uids: Set<string>): void {
    for (const uid of this.seen.keys()) if (!uids.has(uid)) this.seen.delete(uid);
  }
}

export interface FaultOutcome {
  latencyMs: number;
  errorStatus: number | undefined;
}

const NONE: FaultOutcome = { latencyMs: 0, errorStatus: undefined };

/** What one request suffers: nothing before startMs + afterSeconds, then latency and errors. */
export function applyFault(f: Fault, startMs: number, nowMs: number, random: () => number = Math.random): FaultOutcome {
  if (!hasFault(f) || nowMs < startMs + f.afterSeconds * 1000) return NONE;
  const fails = f.errorRate > 0 && random() < f.errorRate;
  return { latencyMs: f.latencyMs, errorStatus: fails ? f.statusCode : undefined };
}
