import { REVISION_HEADER } from '../gateway-api/rules.js';

/** One request through the gateway and what came back: enough to judge and attribute it. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly status: number;
  /** The revision named by the route's per-backend response header, if any. */
  readonly revision: string | undefined;
  readonly latencyMs: number;
  /** `HTTP 503`, `timeout`, `ECONNREFUSED`: the kind of failure. */
  readonly failure: string | undefined;
}

export async function probe(url: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<ProbeOutcome> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.any([signal, timeout]) });
    await response.arrayBuffer();
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      revision: response.headers.get(REVISION_HEADER) ?? undefined,
      latencyMs: performance.now() - started,
      failure: ok ? undefined : `HTTP ${response.status}`,
    };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const failure = timeout.aborted ? 'timeout' : causeCode(error);
    return { ok: false, status: 0, revision: undefined, latencyMs: performance.now() - started, failure };
  }
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** `3 × HTTP 503, 1 × timeout`: failures counted by kind, most frequent first. */
export function summarizeFailures(outcomes: readonly ProbeOutcome[]): string[] {
  const counts = new Map<string, number>();
  for (const o of outcomes) if (o.failure) counts.set(o.failure, (counts.get(o.failure) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} × ${kind}`);
}
