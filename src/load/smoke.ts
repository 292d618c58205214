import type { SmokeRequest, SmokeResult, SmokeTester } from './ports.js';
import { joinUrl, probe, summarizeFailures, type ProbeOutcome } from './probe.js';

/**
 * The smoke test: requests carrying the smoke header, which the route sends to the canary
 * only. Each must succeed and be served by the canary revision; one failure fails it.
 */
export class HttpSmokeTester implements SmokeTester {
  constructor(private readonly timeoutMs = 5000) {}

  async smoke(request: SmokeRequest, signal: AbortSignal): Promise<SmokeResult> {
    const url = joinUrl(request.url, request.path);
    const headers = { [request.header.name]: request.header.value };
    const outcomes: ProbeOutcome[] = [];
    for (let i = 0; i < request.requests; i++) {
      const outcome = await probe(url, headers, this.timeoutMs, signal);
      outcomes.push(
        outcome.ok && outcome.revision !== request.expectRevision
          ? { ...outcome, ok: false, failure: `served by ${outcome.revision ?? 'an unlabelled backend'}, not ${request.expectRevision}` }
          : outcome,
      );
    }
    const succeeded = outcomes.filter((o) => o.ok).length;
    return { sent: outcomes.length, succeeded, failures: summarizeFailures(outcomes) };
  }
}
