import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadSource } from '../../../src/load/load-source.js';
import type { LoadProfile } from '../../../src/load/profile.js';
import { DEFAULT_QUERIES, type QueryName } from '../../../src/metrics/istio-queries.js';
import { PrometheusSource, type PrometheusSettings } from '../../../src/metrics/prometheus-source.js';
import { SourcesStepJudge } from '../../../src/metrics/step-judge.js';
import { DEFAULT_SLO, type SloSpec } from '../../../src/slo/spec.js';
import { everyNth, startAttributionServer, type AttributionServer } from '../load/attribution-server.js';

const REV = { stable: '1-29-6', canary: '1-30-3' };
const NS = { stable: 'bookinfo-1-29-6', canary: 'bookinfo-1-30-3' };
// Quarter-second windows keep the tests short; the rules are the same.
const SLO: SloSpec = { ...DEFAULT_SLO, windowMs: 250 };
const step = (bakeMs = 1500) => ({ url: '', weights: { stable: 90, canary: 10 }, bakeMs, revisions: REV });

/** What the stub Prometheus answers: a number per namespace and query, `undefined` for no series, or an API error. */
type Answer = (namespace: string, query: QueryName, sinceStartS: number) => number | undefined | { status: number; errorType: string; error: string };

let prometheus: Server | undefined;
let app: AttributionServer | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (prometheus ? prometheus.close(() => r()) : r()));
  prometheus = undefined;
  await app?.close();
  app = undefined;
});

/** A stand-in Prometheus that tells the default queries apart by their text. */
async function stubPrometheus(answer: Answer): Promise<string> {
  prometheus = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      const ns = /destination_workload_namespace="([^"]+)"/.exec(query)?.[1] ?? '';
      const name: QueryName = query.startsWith('histogram_quantile') ? 'p99' : query.includes('response_code') ? 'successRate' : 'requests';
      const interval = Number(/\[(\d+)ms\]/.exec(query)?.[1] ?? 0) / 1000;
      const v = answer(ns, name, interval);
      if (typeof v === 'object') {
        res.writeHead(v.status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: v.errorType, error: v.error }));
        return;
      }
      const result = v === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, String(v)] }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  await new Promise<void>((r) => prometheus?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
}

const settings = (url: string): PrometheusSettings => ({ url, timeoutMs: 1000, queries: DEFAULT_QUERIES, everyMs: SLO.windowMs, namespaces: NS });
/** 100 canary and 900 stable requests a second, as a 10% step of 1000 rps would show. */
const steady = (canarySuccess: number): Answer => (ns, q, s) => (q === 'requests' ? (ns === NS.canary ? 100 : 900) * s : q === 'successRate' ? (ns === NS.canary ? canarySuccess : 1) : 3.2);

describe('the step judge with Prometheus alone', () => {
  it('passes a healthy canary after the bake, every number marked as Prometheus\', every reading kept', async () => {
    const url = await stubPrometheus(steady(0.999));
    const result = await new SourcesStepJudge(SLO, [new PrometheusSource(settings(url))]).bake(step(), new AbortController().signal);
    expect(result.verdict.kind, result.verdict.reasons.join('; ')).toBe('pass');
    expect(result.verdict.reasons[0]).toMatch(/^prometheus: \d+(\.\d+)? canary requests in \d+\.\d s: success rate 99.90%/);
    expect(Object.keys(result.verdict.figures).every((k) => k.startsWith('prometheus.'))).toBe(true);
    // A reading every 250 ms over a 1.5 s bake: a busy machine may fit fewer than six.
    expect(result.windows.length).toBeGreaterThanOrEqual(3);
    expect(result.windows.at(-1)?.figures).toMatchObject({ 'prometheus.canary.successRate': 0.999, 'prometheus.stable.p99Ms': 3.2, 'prometheus.failedQueries': 0 });
  });

  it('fails a canary whose success rate burns the budget', async () => {
    const url = await stubPrometheus(steady(0.8));
    const result = await new SourcesStepJudge(SLO, [new PrometheusSource(settings(url))]).bake(step(10_000), new AbortController().signal);
    expect(result.verdict.kind).toBe('fail');
    expect(result.verdict.reasons[0]).toMatch(/^prometheus: success-rate: \d+ of \d+ canary requests were not successful/);
  });

  it('is inconclusive, naming the URL and the query, when Prometheus is not there', async () => {
    const url = await stubPrometheus(steady(1));
    await new Promise<void>((r) => prometheus?.close(() => r()));
    prometheus = undefined;
    const began = Date.now();
    const result = await new SourcesStepJudge(SLO, [new PrometheusSource(settings(url))]).bake(step(10_000), new AbortController().signal);
    expect(result.verdict.kind).toBe('inconclusive');
    expect(result.verdict.reasons[0]).toContain(`prometheus: Prometheus at ${url}: query requests for the canary (namespace bookinfo-1-30-3) failed in 3 reading(s) in a row: unreachable: fetch failed (ECONNREFUSED); query: sum(increase(istio_requests_total{reporter="source",destination_workload_namespace="bookinfo-1-30-3"}[`);
    // Three readings a window apart, not the bake's 10 s (slack for a busy machine).
    expect(Date.now() - began).toBeLessThan(3 * 250 + 2500);
  });

  it('rejects when the run is interrupted mid-step', async () => {
    const url = await stubPrometheus(steady(1));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('interrupted')), 300);
    await expect(new SourcesStepJudge(SLO, [new PrometheusSource(settings(url))]).bake(step(10_000), ctl.signal)).rejects.toThrow('interrupted');
  });
});

const PROFILE: LoadProfile = { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 8, rate: 'open', durationMs: 10_000, timeoutMs: 2000 };

describe('the step judge with load and Prometheus together', () => {
  it('ends the step, load and all, at the first inconclusive from Prometheus, whatever the load would have said', async () => {
    app = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary) });
    const url = await stubPrometheus((ns, q, s) => (q === 'p99' ? { status: 400, errorType: 'bad_data', error: 'parse error' } : steady(1)(ns, q, s)));
    const judge = new SourcesStepJudge(SLO, [new LoadSource(SLO, PROFILE), new PrometheusSource(settings(url))]);
    const began = Date.now();
    const result = await judge.bake({ ...step(10_000), url: app.url }, new AbortController().signal);
    expect(result.verdict.kind).toBe('inconclusive');
    expect(result.verdict.reasons).toEqual([expect.stringMatching(/^prometheus: Prometheus at .*: query p99 for the canary \(namespace bookinfo-1-30-3\) refused: HTTP 400, bad_data: parse error; query: histogram_quantile/), 'load: no verdict yet when the step ended']);
    // The first reading, a window in, decides: the 10 s bake's load is dropped at once.
    expect(Date.now() - began).toBeLessThan(3000);
    expect(result.windows.some((w) => 'prometheus.canary.requests' in w.figures)).toBe(true);
  });

  it('keeps the load going after it passed until Prometheus passes too', async () => {
    app = await startAttributionServer({ revisionOf: everyNth(10, REV.stable, REV.canary) });
    // Prometheus sees no canary traffic for the first second (a scrape lag), then plenty.
    const url = await stubPrometheus((ns, q, s) => (s < 1 ? undefined : steady(1)(ns, q, s)));
    // 5 canary responses a 250 ms window: a busy machine's load must not stall the bake as thin.
    const slo = { ...SLO, minSamples: 5 };
    const judge = new SourcesStepJudge(slo, [new LoadSource(slo, PROFILE), new PrometheusSource(settings(url))]);
    const result = await judge.bake({ ...step(1000), url: app.url }, new AbortController().signal);
    expect(result.verdict.kind, result.verdict.reasons.join('; ')).toBe('pass');
    expect(result.verdict.reasons.map((r) => r.split(':')[0]).sort()).toEqual(['load', 'prometheus']);
    const loadWindows = result.windows.filter((w) => 'canary.requests' in w.figures);
    const readings = result.windows.filter((w) => 'prometheus.canary.requests' in w.figures);
    expect(loadWindows.length).toBeGreaterThan(0);
    expect(readings.length).toBeGreaterThan(0);
  });
});
