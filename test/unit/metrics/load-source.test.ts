import { afterEach, describe, expect, it } from 'vitest';
import { LoadSource } from '../../../src/load/load-source.js';
import type { LoadProfile } from '../../../src/load/profile.js';
import { SourcesStepJudge } from '../../../src/metrics/step-judge.js';
import { DEFAULT_SLO, type SloSpec } from '../../../src/slo/spec.js';
import { everyNth, startAttributionServer, type AttributionServer } from '../load/attribution-server.js';

const REV = { stable: '1-29-6', canary: '1-30-3' };
const PROFILE: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 8, rate: 'open', durationMs: 10_000, timeoutMs: 2000 };
// Quarter-second windows keep the test short; the rules are the same.
const SLO: SloSpec = { ...DEFAULT_SLO, windowMs: 250 };
const bakeAt = (url: string, canary: number, bakeMs = 1500) => ({ url, weights: { stable: 100 - canary, canary }, bakeMs, revisions: REV });
/** The step judge with the load source alone (the default `metrics.sources: [load]`). */
const loadJudge = (slo: SloSpec, profile: LoadProfile) => new SourcesStepJudge(slo, [new LoadSource(slo, profile)]);

let server: AttributionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the step judge with the load source: load, windows and verdicts together', () => {
  it('passes a healthy canary at 10% after the bake, with every window in the result', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary) });
    const result = await loadJudge(SLO, PROFILE).bake(bakeAt(server.url, 10), new AbortController().signal);
    expect(result.verdict.kind, result.verdict.reasons.join('; ')).toBe('pass');
    expect(result.windows.length).toBeGreaterThanOrEqual(6);
    const canary = result.windows.reduce((n, w) => n + (w.figures['canary.requests'] ?? 0), 0);
    expect(canary).toBe(result.verdict.figures['load.canaryRequests']);
    expect(result.windows[0]?.figures).toHaveProperty('canary.p99Ms');
    expect(Date.parse(result.windows[0]?.end ?? '') - Date.parse(result.windows[0]?.start ?? '')).toBeGreaterThanOrEqual(240);
  });

  it('fails a canary within two windows of its faults starting, and stops the load', async () => {
    server = await startAttributionServer({
      revisionOf: everyNth(10, REV.stable, REV.canary),
      statusOf: (revision, ms, random) => (revision === REV.canary && ms > 600 && random() < 0.2 ? 503 : 200),
    });
    const began = Date.now();
    const result = await loadJudge(SLO, PROFILE).bake(bakeAt(server.url, 10, 10_000), new AbortController().signal);
    expect(result.verdict.kind).toBe('fail');
    expect(result.verdict.reasons[0]).toMatch(/^load: canary-vs-stable-errors: the canary fails more than the stable beyond chance: canary \d/);
    // Faults begin 0.6 s in; the verdict comes by the end of the window after next.
    expect(Date.now() - began).toBeLessThan(600 + 3 * 250 + 500);
  });

  it('under the absolute policy, fails the same canary by its burn rule', async () => {
    server = await startAttributionServer({
      revisionOf: everyNth(10, REV.stable, REV.canary),
      statusOf: (revision, ms, random) => (revision === REV.canary && ms > 600 && random() < 0.2 ? 503 : 200),
    });
    const absolute = { ...SLO, policy: 'absolute' as const };
    const result = await loadJudge(absolute, PROFILE).bake(bakeAt(server.url, 10, 10_000), new AbortController().signal);
    expect(result.verdict.kind).toBe('fail');
    expect(result.verdict.reasons[0]).toMatch(/^load: fast-burn/);
    expect(result.evidence).toBeUndefined();
  });

  it('fails a gross failure between windows, as the responses arrive, and returns the run evidence', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary), statusOf: (revision, ms) => (revision === REV.canary && ms > 600 ? 503 : 200) });
    const slo = { ...DEFAULT_SLO, windowMs: 2000 };
    const result = await loadJudge(slo, PROFILE).bake(bakeAt(server.url, 10, 10_000), new AbortController().signal);
    expect(result.verdict.kind).toBe('fail');
    expect(result.verdict.reasons[0]).toMatch(/^load: canary-vs-stable-errors/);
    // Faults begin 0.6 s in; the verdict came before the first 2 s window closed, which is kept cut short.
    expect(result.windows).toHaveLength(1);
    const kept = result.windows[0];
    expect(Date.parse(kept?.end ?? '') - Date.parse(kept?.start ?? '')).toBeLessThan(2000);
    expect(kept?.figures['canary.errors']).toBeGreaterThan(0);
    expect(result.evidence?.canary.errors).toBeGreaterThan(0);
    expect(result.evidence?.ticks).toBeGreaterThan(5);
  });

  it('reports a gateway that ignores the weights as an error, with the observed split', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(2, REV.stable, REV.canary) });
    const result = await loadJudge(SLO, PROFILE).bake(bakeAt(server.url, 10), new AbortController().signal);
    expect(result.verdict.kind).toBe('error');
    expect(result.verdict.reasons[0]).toMatch(/asked 10% canary, saw 50.0%/);
    expect(result.verdict.figures['load.split.observedPct']).toBe(50);
  });

  it('reports no canary traffic at 100% as the split error, never a pass', async () => {
    server = await startAttributionServer({ revisionOf: () => REV.stable });
    const result = await loadJudge(SLO, PROFILE).bake(bakeAt(server.url, 100), new AbortController().signal);
    expect(result.verdict.kind).toBe('error');
    expect(result.verdict.reasons[0]).toMatch(/saw 0.0%/);
  });

  it('says so when there is no URL to load', async () => {
    const result = await loadJudge(SLO, PROFILE).bake(bakeAt('', 10), new AbortController().signal);
    expect(result.verdict.kind).toBe('error');
    expect(result.verdict.reasons[0]).toMatch(/no URL/);
  });

  it('uses the profile target over the gateway URL', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary) });
    const result = await loadJudge(SLO, { ...PROFILE, target: server.url }).bake(bakeAt('http://127.0.0.1:1', 10, 500), new AbortController().signal);
    expect(result.verdict.kind).toBe('pass');
  });
});
