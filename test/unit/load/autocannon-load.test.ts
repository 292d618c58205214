import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, requestMix, type LoadPlan } from '../../../src/load/autocannon-load.js';
import type { LoadProfile } from '../../../src/load/profile.js';
import { combine, outcomes, type WindowStats } from '../../../src/slo/window.js';
import { everyNth, startAttributionServer, type AttributionServer } from './attribution-server.js';

const REV = { stable: '1-29-6', canary: '1-30-3' };
const PROFILE: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 8, rate: 'open', durationMs: 10_000, timeoutMs: 1000 };

let server: AttributionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function plan(url: string, onWindow: LoadPlan['onWindow'], over: Partial<LoadPlan> = {}): LoadPlan {
  return { url, profile: PROFILE, revisions: REV, windowMs: 250, p99Ms: 500, capMs: 10_000, onWindow, ...over };
}

/** Continue for `n` windows, then `then`. */
const after = (n: number, then: 'drain' | 'abort') => (windows: readonly WindowStats[]) => (windows.length >= n ? then : 'continue');

describe('runLoad against a local attribution server', () => {
  it('attributes every response to the revision the server named, exactly', async () => {
    server = await startAttributionServer({
      revisionOf: (i) => (i % 50 === 7 ? undefined : everyNth(10, REV.stable, REV.canary)(i)),
      statusOf: (revision, _ms, random) => (revision === REV.canary && random() < 0.05 ? 503 : 200),
    });
    const out = await runLoad(plan(server.url, after(4, 'drain')), new AbortController().signal);
    const all = combine([...out.windows, ...(out.tail ? [out.tail] : [])]);
    const sent = server.tally.byRevision;
    expect(out.windows).toHaveLength(4);
    expect(out.cutOff).toBe(0);
    expect(all.canary.requests).toBe(sent[REV.canary]?.responses);
    expect(all.canary.errors).toBe(sent[REV.canary]?.errors);
    expect(all.stable.requests).toBe(sent[REV.stable]?.responses);
    expect(all.stable.errors).toBe(0);
    expect(all.unlabelled).toBe(sent['-']?.responses);
    expect(outcomes(all)).toBe(server.tally.requests);
    expect(all.canary.requests).toBeGreaterThan(50);
    expect(all.canary.latency.total).toBe(all.canary.requests);
  });

  it('cuts windows of the asked length, back to back', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(2, REV.stable, REV.canary) });
    const out = await runLoad(plan(server.url, after(4, 'drain')), new AbortController().signal);
    for (let i = 1; i < out.windows.length; i++) expect(out.windows[i]?.startMs).toBe(out.windows[i - 1]?.endMs);
    for (const w of out.windows) expect(w.endMs - w.startMs).toBeGreaterThan(100);
    // Each cut is scheduled on the run's own clock, so a late timer does not drift the rest.
    const last = out.windows[out.windows.length - 1] as WindowStats;
    expect(last.endMs - (out.windows[0] as WindowStats).startMs).toBeGreaterThanOrEqual(4 * 250 - 5);
    expect(last.endMs - (out.windows[0] as WindowStats).startMs).toBeLessThan(4 * 250 + 250);
  });

  it('closes exactly as many windows as the cap holds, even when the timers fire before the clock reaches each cut', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(2, REV.stable, REV.canary) });
    // A clock 1% slow: every cut's timer fires a little before the clock says the cut is due.
    const began = Date.now();
    const slow = () => began + (Date.now() - began) * 0.99;
    const out = await runLoad(plan(server.url, (_w, last) => (last ? 'drain' : 'continue'), { windowMs: 200, capMs: 600, clock: slow }), new AbortController().signal);
    expect(out.windows).toHaveLength(3);
    expect(out.tail).toBeDefined();
  });

  it('stops at once when the judge says abort: no request reaches the server afterwards', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary) });
    const began = Date.now();
    const out = await runLoad(plan(server.url, after(2, 'abort')), new AbortController().signal);
    const tookMs = Date.now() - began;
    await new Promise((r) => setTimeout(r, 200));
    const seen = server.tally.requests;
    await new Promise((r) => setTimeout(r, 300));
    expect(out.windows).toHaveLength(2);
    // Two windows, then the stop itself: well under one more window (slack for a busy machine).
    expect(tookMs).toBeLessThan(2 * 250 + 250);
    // Only what was already written when the connections were dropped arrives, then nothing.
    expect(out.cutOff).toBeLessThanOrEqual(PROFILE.connections);
    expect(seen).toBeLessThanOrEqual(outcomes(combine(out.windows)) + out.cutOff);
    expect(server.tally.requests).toBe(seen);
  });

  it('counts requests that get no answer as timeouts, exactly', async () => {
    server = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary), hangPaths: ['/hang'] });
    const profile: LoadProfile = { ...PROFILE, paths: [{ path: '/', weight: 20 }, { path: '/hang', weight: 1 }], connections: 4 };
    const out = await runLoad(plan(server.url, after(6, 'drain'), { profile }), new AbortController().signal);
    const all = combine([...out.windows, ...(out.tail ? [out.tail] : [])]);
    expect(server.tally.hung).toBeGreaterThan(0);
    expect(all.timeouts).toBe(server.tally.hung);
    expect(all.connectionErrors).toBe(0);
    expect(out.cutOff).toBe(0);
  });

  it('counts a refused connection as a connection error', async () => {
    server = await startAttributionServer({ revisionOf: () => REV.stable });
    const url = server.url;
    await server.close();
    server = undefined;
    const out = await runLoad(plan(url, after(1, 'abort'), { profile: { ...PROFILE, connections: 1 } }), new AbortController().signal);
    expect(out.windows[0]?.connectionErrors).toBeGreaterThan(0);
    expect(out.windows[0]?.stable.requests).toBe(0);
  });

  it('rejects with the reason when the run is interrupted', async () => {
    server = await startAttributionServer({ revisionOf: () => REV.stable });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('interrupted')), 300);
    await expect(runLoad(plan(server.url, () => 'continue'), ctl.signal)).rejects.toThrow('interrupted');
  });

  it('keeps to a fixed rate', async () => {
    server = await startAttributionServer({ revisionOf: () => REV.stable });
    const profile: LoadProfile = { ...PROFILE, rate: 200, connections: 4 };
    const out = await runLoad(plan(server.url, after(8, 'drain'), { profile, windowMs: 250 }), new AbortController().signal);
    const all = combine(out.windows);
    // 2 s at 200 rps, paced by autocannon in 1 s buckets.
    expect(all.stable.requests).toBeGreaterThanOrEqual(380);
    expect(all.stable.requests).toBeLessThanOrEqual(620);
  });
});

describe('requestMix', () => {
  it('repeats paths by their weights reduced by the gcd', () => {
    expect(requestMix([{ path: '/a', weight: 2 }, { path: '/b', weight: 4 }])).toEqual(['/a', '/b', '/b']);
    expect(requestMix([{ path: '/', weight: 1 }])).toEqual(['/']);
  });
});
