import { verdict } from '../domain/verdict.js';
import type { BakeRequest, BakeResult, StepJudge } from './ports.js';
import { probe, summarizeFailures, type ProbeOutcome } from './probe.js';

/**
 * A plain judge until the error-budget judge lands: a few concurrent request loops for the
 * bake time; any failed request fails the step, no canary response is inconclusive.
 */
export class SimpleStepJudge implements StepJudge {
  constructor(
    private readonly concurrency = 4,
    private readonly timeoutMs = 5000,
  ) {}

  async bake(request: BakeRequest, signal: AbortSignal): Promise<BakeResult> {
    const start = new Date();
    const until = Date.now() + request.bakeMs;
    const outcomes: ProbeOutcome[] = [];
    const failed = new AbortController();
    const both = AbortSignal.any([signal, failed.signal]);
    const loop = async (): Promise<void> => {
      while (Date.now() < until && !both.aborted) {
        const o = await probe(request.url, {}, this.timeoutMs, signal);
        outcomes.push(o);
        if (!o.ok) failed.abort();
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, loop));
    const figures = tally(outcomes, request.revisions.canary);
    const window = { start: start.toISOString(), end: new Date().toISOString(), figures };
    const failures = summarizeFailures(outcomes);
    if (failures.length > 0) return { verdict: verdict('fail', [`${figures.errors} of ${figures.requests} requests failed: ${failures.join(', ')}`], figures), windows: [window] };
    if (figures.canaryRequests === 0) return { verdict: verdict('inconclusive', [`no response came from the canary in ${figures.requests} requests`], figures), windows: [window] };
    return { verdict: verdict('pass', [`${figures.requests} requests, none failed (${figures.canaryRequests} served by the canary)`], figures), windows: [window] };
  }
}

function tally(outcomes: readonly ProbeOutcome[], canary: string): Record<string, number> {
  return {
    requests: outcomes.length,
    errors: outcomes.filter((o) => !o.ok).length,
    canaryRequests: outcomes.filter((o) => o.revision === canary).length,
  };
}
