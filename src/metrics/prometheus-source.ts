import type { WindowRecord } from '../domain/run-record.js';
import { revision, type AskedQuery, type Reading, type RevisionRole } from '../slo/readings.js';
import { QUERY_NAMES, renderQuery, valueProblem, type IstioQueries } from './istio-queries.js';
import type { MetricsSource, Sample, SourceSession, StepObservation } from './ports.js';
import { PrometheusHttp } from './prometheus-http.js';

export interface PrometheusSettings {
  readonly url: string;
  /** Per query. */
  readonly timeoutMs: number;
  readonly queries: IstioQueries;
  /** How often to read: the judge's window. */
  readonly everyMs: number;
  /** The namespace of each revision's workloads: the label that tells them apart. */
  readonly namespaces: { readonly stable: string; readonly canary: string };
}

/**
 * Istio's standard metrics in Prometheus as a source: every window, each query for each
 * revision over the time since the step began. Only reads: the traffic it judges is whatever
 * reaches the mesh (real users, or the load source when both are configured).
 */
export class PrometheusSource implements MetricsSource {
  readonly name = 'prometheus' as const;
  private readonly http: PrometheusHttp;

  constructor(
    private readonly settings: PrometheusSettings,
    http?: PrometheusHttp,
    private readonly clock: () => number = Date.now,
  ) {
    this.http = http ?? new PrometheusHttp(settings.url, settings.timeoutMs);
  }

  open(step: StepObservation, signal: AbortSignal): SourceSession {
    return new PrometheusObservation(this.settings, this.http, this.clock, step, signal);
  }

  /** One reading over [startMs, atMs], as a step would take it (tests compare it with the load's windows). */
  read(step: Pick<StepObservation, 'revisions'>, startMs: number, atMs: number, signal: AbortSignal): Promise<Reading> {
    return readOnce(this.settings, this.http, step, { startMs, atMs }, signal);
  }
}

/** Every query for both revisions, evaluated at `atMs` over the time since `startMs`. */
async function readOnce(settings: PrometheusSettings, http: PrometheusHttp, step: Pick<StepObservation, 'revisions'>, span: { startMs: number; atMs: number }, signal: AbortSignal): Promise<Reading> {
  const asks = (['canary', 'stable'] as RevisionRole[]).flatMap((role) => QUERY_NAMES.map((metric) => ({ role, metric })));
  const queries = await Promise.all(
    asks.map(async ({ role, metric }): Promise<AskedQuery> => {
      const namespace = settings.namespaces[role];
      const promql = renderQuery(settings.queries[metric], { namespace, revision: step.revisions[role], intervalMs: span.atMs - span.startMs });
      const outcome = await http.query(promql, span.atMs, signal);
      // A number the judge cannot use (a percentage for a ratio) is the query's fault: say so, once.
      const problem = outcome.kind === 'value' ? valueProblem(metric, outcome.value) : undefined;
      return { metric, role, namespace, promql, outcome: problem ? { kind: 'failed', message: problem, permanent: true } : outcome };
    }),
  );
  return { startMs: span.startMs, endMs: span.atMs, url: http.url, queries };
}

/** One step: a reading every `everyMs` from the step's start, until closed. */
class PrometheusObservation implements SourceSession {
  private readonly startMs: number;
  private readonly readings: Reading[] = [];
  private readonly stop = new AbortController();
  private closed = false;

  constructor(
    private readonly settings: PrometheusSettings,
    private readonly http: PrometheusHttp,
    private readonly clock: () => number,
    private readonly step: StepObservation,
    private readonly signal: AbortSignal,
  ) {
    this.startMs = clock();
  }

  async next(): Promise<Sample> {
    const dueMs = this.startMs + (this.readings.length + 1) * this.settings.everyMs;
    await this.sleep(dueMs - this.clock());
    if (!this.closed) this.readings.push(await readOnce(this.settings, this.http, this.step, { startMs: this.startMs, atMs: this.clock() }, this.signal));
    return { kind: 'readings', readings: [...this.readings], ended: this.closed };
  }

  close(): Promise<readonly WindowRecord[]> {
    this.closed = true;
    this.stop.abort();
    return Promise.resolve(this.readings.map(toRecord));
  }

  /** Resolves after `ms`, or at once when closed; rejects when the run is interrupted. */
  private sleep(ms: number): Promise<void> {
    this.signal.throwIfAborted();
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onInterrupt);
        this.stop.signal.removeEventListener('abort', onClose);
      };
      const onInterrupt = (): void => (cleanup(), reject(this.signal.reason));
      const onClose = (): void => (cleanup(), resolve());
      const timer = setTimeout(onClose, ms);
      this.signal.addEventListener('abort', onInterrupt, { once: true });
      this.stop.signal.addEventListener('abort', onClose, { once: true });
    });
  }
}

/** A reading as the run record keeps it: cumulative since the step began, figures per revision, -1 for no number. */
export function toRecord(r: Reading): WindowRecord {
  const figures: Record<string, number> = {};
  for (const role of ['canary', 'stable'] as const) {
    const n = revision(r, role);
    figures[`prometheus.${role}.requests`] = n.requests ?? -1;
    figures[`prometheus.${role}.successRate`] = n.successRate ?? -1;
    figures[`prometheus.${role}.p99Ms`] = n.p99Ms !== undefined && Number.isFinite(n.p99Ms) ? n.p99Ms : -1;
  }
  figures['prometheus.failedQueries'] = r.queries.filter((q) => q.outcome.kind === 'failed').length;
  return { start: new Date(r.startMs).toISOString(), end: new Date(r.endMs).toISOString(), figures };
}
