import { PLACEHOLDER_PATTERN, QUERY_KEYS, type MetricsConfig, type QueryKey, type QueryPlaceholder } from '../config/metrics.js';

/**
 * What the Prometheus source asks, apart from how it asks it (prometheus-http.ts): three
 * PromQL templates per revision, over Istio's standard metrics, with the revision's
 * namespace as the label that tells the canary from the stable copy (each revision's
 * workloads live in their own namespace, so `destination_workload_namespace` is the one
 * label that separates them whatever the app's own labels say).
 *
 * Pure: the default templates, their rendering, and what a returned number may be. The
 * placeholders a user may write are checked with the other settings (config/metrics.ts).
 */

export type QueryName = QueryKey;
export const QUERY_NAMES: readonly QueryName[] = QUERY_KEYS;
export type IstioQueries = Readonly<Record<QueryName, string>>;

/**
 * The gateway reports the requests it forwards as `reporter="source"`; in ambient without
 * waypoints it is the only L7 reporter (ztunnel has TCP metrics only), and with a waypoint
 * this keeps each request counted once.
 */
const SELECTOR = 'reporter="source",destination_workload_namespace="{{namespace}}"';
const ALL = `sum(increase(istio_requests_total{${SELECTOR}}[{{interval}}]))`;

export const DEFAULT_QUERIES: IstioQueries = {
  /** Requests the revision answered in the step so far (a count; increase() extrapolates, so not always whole). */
  requests: ALL,
  /**
   * Share not answered 5xx, as Istio's dashboards and Flagger count it (a 4xx is the
   * client's doing in real traffic). `or on() vector(0)`: a revision answering nothing but
   * 5xx has no non-5xx series at all, and must read 0, not "no data".
   */
  successRate: `(sum(increase(istio_requests_total{${SELECTOR},response_code!~"5.."}[{{interval}}])) or on() vector(0)) / ${ALL}`,
  /** histogram_quantile interpolates within Envoy's buckets (… 250, 500, 1000 …): the default 500 ms bound is a bucket edge. */
  p99: `histogram_quantile(0.99, sum by (le) (increase(istio_request_duration_milliseconds_bucket{${SELECTOR}}[{{interval}}])))`,
};

export interface QueryVars {
  readonly namespace: string;
  readonly revision: string;
  /** How far back the query looks: the time since the step began. */
  readonly intervalMs: number;
}

/** A PromQL duration; milliseconds, so the range is the step's age to the millisecond. */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms))}ms`;
}

export function renderQuery(template: string, vars: QueryVars): string {
  const values: Record<QueryPlaceholder, string> = { namespace: vars.namespace, revision: vars.revision, interval: promDuration(vars.intervalMs) };
  return template.replace(PLACEHOLDER_PATTERN, (whole, name: string) => (name in values ? values[name as QueryPlaceholder] : whole));
}

/** The templates a run uses: the user's where given, Istio's defaults elsewhere. */
export function queriesOf(config: MetricsConfig['prometheus']): IstioQueries {
  return { ...DEFAULT_QUERIES, ...config.queries };
}

/** A value the judge cannot use, said as a sentence; undefined when it is fine. */
export function valueProblem(name: QueryName, value: number): string | undefined {
  // histogram_quantile says +Inf when the quantile is past the last bucket: a p99, just a bad one.
  if (Number.isNaN(value) || (!Number.isFinite(value) && !(name === 'p99' && value > 0))) return `returned ${value}`;
  if (name === 'successRate' && (value < 0 || value > 1)) {
    return `returned ${value}, not a fraction between 0 and 1${value > 1 && value <= 100 ? ' (a percentage? drop the "* 100")' : ''}`;
  }
  if (value < 0) return `returned ${value}, a negative ${name === 'p99' ? 'latency' : 'count'}`;
  return undefined;
}
