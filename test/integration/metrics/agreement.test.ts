// Does Prometheus see what autocannon saw? The demo's stable mesh (bookinfo-<FROM_REV>, served by
// the real chart's ztunnel-<FROM_REV>) answers 10% of requests with a 503 staged on that DaemonSet; the load port sends a measured window of load through
// the gateway; the Prometheus source's success rate for that window (its default Istio
// queries, over the simulator's metrics as scraped every second) must agree with the load's
// own count.
//
// Tolerance, from the counts: both sides count the same requests (the gateway counts a
// request as it answers it; the load drains every answer), except requests cut off at the
// window's edges, at most `connections` at each. So the success rates may differ by at most
// 2 × connections / n. Prometheus' increase() extrapolates to the range's edges, but by the
// same factor for every series of one target (they share scrape timestamps), so the ratio is
// untouched; the range starts and ends in idle seconds, after a warm-up that created the 503
// series (increase() cannot count a series' first sample), so no request is lost either.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runLoad, type LoadOutcome } from '../../../src/load/autocannon-load.js';
import type { LoadProfile } from '../../../src/load/profile.js';
import { DEFAULT_QUERIES } from '../../../src/metrics/istio-queries.js';
import { PrometheusSource } from '../../../src/metrics/prometheus-source.js';
import { revision } from '../../../src/slo/readings.js';
import { combine, outcomes } from '../../../src/slo/window.js';
import { lockDemoState, resetDemoState } from '../../support/demo-state.js';
import { FROM_REV, TO_REV } from '../../support/demo-versions.js';

const REV = { stable: FROM_REV, canary: TO_REV };
const NS = { stable: `bookinfo-${FROM_REV}`, canary: `bookinfo-${TO_REV}` };
const CONNECTIONS = 8;
const PROFILE: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: CONNECTIONS, rate: 300, durationMs: 60_000, timeoutMs: 2000 };
const ERROR_RATE = '0.1';
const FAULT = ['sim.ambient-canary.dev/error-rate', 'sim.ambient-canary.dev/status-code'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kubectl = (...args: string[]) => execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args]);
const stageFault = () => kubectl('annotate', '--overwrite', '-n', 'istio-system', 'daemonset', `ztunnel-${REV.stable}`, `${FAULT[0]}=${ERROR_RATE}`, `${FAULT[1]}=503`);
const clearFault = () => kubectl('annotate', '-n', 'istio-system', 'daemonset', `ztunnel-${REV.stable}`, ...FAULT.map((k) => `${k}-`));

/** `windows` windows of load through the gateway, then a drain (every answer in flight is awaited). */
function load(windows: number): Promise<LoadOutcome> {
  return runLoad(
    { url: inject('gatewayUrl'), profile: PROFILE, revisions: REV, windowMs: 1000, p99Ms: 500, capMs: 60_000, onWindow: (w) => (w.length >= windows ? 'drain' : 'continue') },
    new AbortController().signal,
  );
}

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
  await stageFault();
}, 600_000);
afterAll(async () => {
  await clearFault().catch(() => undefined);
  unlock?.();
});

describe('Given the stable mesh answering 10% of requests with a staged 503', () => {
  it('When a window of load is judged by both, Then the Prometheus success rate agrees with the load\'s within 2 × connections / n', async () => {
    // Until the simulator applies the fault, then long enough for the 503 series to exist and be scraped.
    await load(3);
    await sleep(3000);
    const startMs = Date.now() - 1500;
    const measured = await load(10);
    await sleep(3000);
    const atMs = Date.now();

    const all = combine(measured.tail ? [...measured.windows, measured.tail] : measured.windows);
    const n = outcomes(all);
    const errors = all.stable.errors + all.canary.errors + all.unlabelledErrors + all.timeouts + all.connectionErrors;
    const loadRate = 1 - errors / n;

    const source = new PrometheusSource({ url: inject('prometheusUrl'), timeoutMs: 5000, queries: DEFAULT_QUERIES, everyMs: 1000, namespaces: NS });
    const reading = await source.read({ revisions: REV }, startMs, atMs, new AbortController().signal);
    const prom = revision(reading, 'stable');
    const tolerance = (2 * CONNECTIONS) / n;
    console.log(
      `agreement: load ${n - errors}/${n} succeeded (${(100 * loadRate).toFixed(3)}%), Prometheus ${prom.requests?.toFixed(1)} requests at ${(100 * (prom.successRate ?? Number.NaN)).toFixed(3)}%; ` +
        `|Δ| ${(100 * Math.abs((prom.successRate ?? 0) - loadRate)).toFixed(3)} points, tolerance ${(100 * tolerance).toFixed(3)} (2 × ${CONNECTIONS} / ${n}); cut off ${measured.cutOff}`,
    );
    expect(n).toBeGreaterThan(2000);
    expect(errors / n).toBeGreaterThan(0.05);
    expect(measured.cutOff).toBe(0);
    expect(prom.successRate).toBeDefined();
    expect(Math.abs((prom.successRate as number) - loadRate)).toBeLessThanOrEqual(tolerance);
    // The count itself is scaled by increase()'s extrapolation: range / sampled span, at most ~2 scrape intervals in a 15 s range.
    expect(prom.requests as number).toBeGreaterThanOrEqual(n - CONNECTIONS);
    expect(prom.requests as number).toBeLessThanOrEqual((n * (atMs - startMs)) / (atMs - startMs - 2200) + CONNECTIONS);
  }, 120_000);
});
