import { afterEach, describe, expect, it } from 'vitest';
import { LoadStableProbe } from '../../../src/load/stable-probe.js';
import type { LoadProfile } from '../../../src/load/profile.js';
import { stableSloCheck } from '../../../src/mesh/preflight/stable-slo.js';
import { combine } from '../../../src/slo/window.js';
import { startAttributionServer, type AttributionServer } from './attribution-server.js';

const REV = { stable: '1-29-6', canary: '1-30-3' };
const PROFILE: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 4, rate: 'open', durationMs: 10_000, timeoutMs: 1000 };
const SLO = { windowMs: 250, p99Ms: 500 };
const never = new AbortController().signal;

let server: AttributionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LoadStableProbe against a local stand-in gateway', () => {
  it('counts the responses of a route without the revision header for the stable, exactly, for the asked duration', async () => {
    server = await startAttributionServer({ revisionOf: () => undefined, statusOf: (_r, _ms, random) => (random() < 0.02 ? 503 : 200) });
    const began = Date.now();
    const m = await new LoadStableProbe(SLO, PROFILE).measure({ url: server.url, revisions: REV, durationMs: 600 }, never);
    const tookMs = Date.now() - began;
    const all = combine(m.windows);
    // 600 ms in windows no longer than 250 ms: three of 200 ms, and the drain's tail.
    expect(m.windows).toHaveLength(4);
    expect(tookMs).toBeGreaterThanOrEqual(590);
    // The drain gives in-flight requests the profile's timeout and 200 ms more, then stops.
    expect(tookMs).toBeLessThan(600 + PROFILE.timeoutMs + 200 + 1000);
    expect(m.url).toBe(server.url);
    expect(all.unlabelled).toBe(0);
    expect(all.stable.requests).toBe(server.tally.byRevision['-']?.responses);
    expect(all.stable.errors).toBe(server.tally.byRevision['-']?.errors);
    expect(all.stable.latency.total).toBe(all.stable.requests);
    expect(all.stable.requests).toBeGreaterThan(100);
  });

  it('keeps responses that name another revision apart, so the check can tell the route is not all stable', async () => {
    server = await startAttributionServer({ revisionOf: (i) => (i % 4 === 0 ? REV.canary : i % 4 === 1 ? REV.stable : undefined) });
    const m = await new LoadStableProbe(SLO, PROFILE).measure({ url: server.url, revisions: REV, durationMs: 300 }, never);
    const all = combine(m.windows);
    expect(all.canary.requests).toBe(server.tally.byRevision[REV.canary]?.responses);
    expect(all.stable.requests).toBe((server.tally.byRevision[REV.stable]?.responses ?? 0) + (server.tally.byRevision['-']?.responses ?? 0));
    expect(stableSloCheck({ measurement: m, slo: { successRate: 0.995, p99Ms: 500 }, stable: REV.stable, measuredAt: 'now' }).result.message).toMatch(/named another revision than the stable/);
  });

  it('sends to the load profile\'s target when it has one, as the steps do', async () => {
    server = await startAttributionServer({ revisionOf: () => REV.stable });
    const m = await new LoadStableProbe(SLO, { ...PROFILE, target: server.url }).measure({ url: 'http://127.0.0.1:9', revisions: REV, durationMs: 250 }, never);
    expect(m.url).toBe(server.url);
    expect(combine(m.windows).stable.requests).toBeGreaterThan(0);
  });

  it('answers with why when there is no URL at all', async () => {
    expect(await new LoadStableProbe(SLO, PROFILE).measure({ url: '', revisions: REV, durationMs: 1000 }, never)).toEqual({ windows: [], failure: expect.stringMatching(/--gateway-url/), url: '(none)' });
  });

  it('stops when interrupted', async () => {
    server = await startAttributionServer({ revisionOf: () => undefined });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 100);
    await expect(new LoadStableProbe(SLO, PROFILE).measure({ url: server.url, revisions: REV, durationMs: 5000 }, controller.signal)).rejects.toThrow('interrupted');
  });
});
