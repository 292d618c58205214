// The Prometheus source against the local cluster's real Prometheus (Debian's 2.42, started
// by cluster-up, scraping the simulated gateway every second): a query Prometheus refuses, a
// query that matches nothing, and a Prometheus that stops, each make the step inconclusive
// with a message naming the query and the URL. Only reads: no demo state is needed. The
// Prometheus that is stopped is one this file starts on its own port; the shared one is
// never touched.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_QUERIES } from '../../../src/metrics/istio-queries.js';
import { PrometheusSource, type PrometheusSettings } from '../../../src/metrics/prometheus-source.js';
import { SourcesStepJudge } from '../../../src/metrics/step-judge.js';
import { DEFAULT_SLO, maxBakeMs } from '../../../src/slo/spec.js';
import { FROM_REV, TO_REV } from '../../support/demo-versions.js';
import { startPrivatePrometheus, type PrivatePrometheus } from '../../support/private-prometheus.js';

const REV = { stable: FROM_REV, canary: TO_REV };
const NS = { stable: `bookinfo-${FROM_REV}`, canary: `bookinfo-${TO_REV}` };
// Namespace names are DNS labels ([a-z0-9-]): they go into the RegExps below as they are.
const STEP = { url: '', weights: { stable: 90, canary: 10 }, bakeMs: 1000, revisions: REV };
const settings = (url: string, queries: Partial<PrometheusSettings['queries']> = {}): PrometheusSettings => ({
  url,
  timeoutMs: 2000,
  queries: { ...DEFAULT_QUERIES, ...queries },
  everyMs: DEFAULT_SLO.windowMs,
  namespaces: NS,
});
const bake = (s: PrometheusSettings) => new SourcesStepJudge(DEFAULT_SLO, [new PrometheusSource(s)]).bake(STEP, new AbortController().signal);

let own: PrivatePrometheus | undefined;
afterAll(async () => own?.stop());

describe('Given the shared Prometheus and a query it refuses', () => {
  it('When a step is judged, Then it is inconclusive at the first reading, naming the query, its PromQL and the URL', async () => {
    const url = inject('prometheusUrl');
    const broken = 'sum(increase(istio_requests_total{destination_workload_namespace="{{namespace}}"}[{{interval}}])';
    const began = Date.now();
    const { verdict } = await bake(settings(url, { successRate: broken }));
    expect(verdict.kind).toBe('inconclusive');
    expect(verdict.reasons[0]).toMatch(new RegExp(`^prometheus: Prometheus at ${url}: query successRate for the canary \\(namespace ${NS.canary}\\) refused: HTTP 400, bad_data: .*; query: sum\\(increase\\(istio_requests_total\\{destination_workload_namespace="${NS.canary}"\\}\\[\\d+ms\\]\\)$`));
    expect(Date.now() - began).toBeLessThan(3000);
  });
});

describe('Given the shared Prometheus and a query that matches no series (a misspelt metric)', () => {
  it('When a step is judged, Then it is inconclusive when the bake runs out, naming the query and the URL, never a pass', async () => {
    const url = inject('prometheusUrl');
    const { verdict } = await bake(settings(url, { requests: 'sum(increase(istio_request_total{destination_workload_namespace="{{namespace}}"}[{{interval}}]))' }));
    expect(verdict.kind).toBe('inconclusive');
    expect(verdict.reasons[0]).toMatch(new RegExp(`^prometheus: Prometheus at ${url}: query requests for the canary \\(namespace ${NS.canary}\\) gave no number in \\d+\\.\\d s \\(no series matched\\).*; query: sum\\(increase\\(istio_request_total\\{`));
    expect(verdict.figures['prometheus.elapsedMs']).toBeGreaterThanOrEqual(maxBakeMs(DEFAULT_SLO, STEP.bakeMs));
  }, 30_000);
});

describe('Given a Prometheus of this test\'s own that answers, then is stopped', () => {
  it('When a step is judged after the stop, Then it is inconclusive within three readings, naming the URL and the query', async () => {
    own = await startPrivatePrometheus();
    const source = new PrometheusSource(settings(own.url));
    const before = await source.read(STEP, Date.now() - 5000, Date.now(), new AbortController().signal);
    expect(before.queries.filter((q) => q.outcome.kind === 'failed')).toEqual([]);

    const { url, pid } = own;
    await own.stop();
    own = undefined;
    expect(() => process.kill(pid, 0)).toThrow();
    const began = Date.now();
    const { verdict } = await bake(settings(url));
    expect(verdict.kind).toBe('inconclusive');
    expect(verdict.reasons[0]).toMatch(new RegExp(`^prometheus: Prometheus at ${url}: query \\w+ for the \\w+ \\(namespace (${NS.stable}|${NS.canary})\\) failed in 3 reading\\(s\\) in a row: unreachable: fetch failed \\(ECONNREFUSED\\); query: `));
    expect(verdict.figures['prometheus.failedReadings']).toBe(3);
    expect(Date.now() - began).toBeLessThan(6000);
  }, 60_000);
});
