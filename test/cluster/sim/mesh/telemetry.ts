// Istio's standard request metrics for what the simulated gateway serves: `istio_requests_total`
// and the `istio_request_duration_milliseconds` histogram, labelled as a gateway's Envoy labels
// them. A gateway is the client side of the request it forwards, so it reports
// `reporter="source"` (istio.io, "Istio Standard Metrics": "source if report is from a client
// Istio proxy or a gateway"); in ambient without waypoints no other proxy sees L7 traffic
// (ztunnel reports only TCP metrics), so these are all the HTTP metrics a real mesh would have.
//
// Hot path: three Map lookups and a few increments per request (no string is built); the text
// format is built only when Prometheus scrapes. Series live as long as the process (counters
// never reset while it runs, as Envoy's do not); there are at most gateways × pods × statuses.

import type { Endpoint, WorkloadIdentity } from './workloads.js';

/** Envoy's default histogram buckets, which Istio's request duration uses unchanged (ms). */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000] as const;

/** Istio's default cluster name (`global.multiCluster.clusterName` unset). */
const CLUSTER = 'Kubernetes';
const UNKNOWN = 'unknown';

interface Series {
  requests: number;
  sumMs: number;
  /** Per bucket, not cumulative (cumulated when rendered); the last one is +Inf. */
  readonly buckets: Float64Array;
}

const FLAGS = ['-', 'NR', 'UH', 'UF', 'DR'] as const;
/**
 * Envoy's %RESPONSE_FLAGS% for the simulated outcomes: `-` an answer from the workload (a
 * staged fault is the workload's own answer), NR no route, UH no healthy upstream, UF upstream
 * connection failure, DR a direct response (the 500 Istio programs for a backendRef it cannot
 * resolve).
 */
export type ResponseFlags = (typeof FLAGS)[number];

/**
 * The counters, by source labels, destination labels, then status and flags. The label halves
 * are the cached strings of a `Labeller`, so each lookup hashes a string V8 already hashed, and
 * the innermost key is a number: no string is built per request.
 */
export class RequestMetrics {
  private readonly bySource = new Map<string, Map<string, Map<number, Series>>>();

  /** One finished request and its duration in milliseconds. */
  record(source: string, destination: string, status: number, flags: ResponseFlags, ms: number): void {
    let byDestination = this.bySource.get(source);
    if (byDestination === undefined) this.bySource.set(source, (byDestination = new Map()));
    let byOutcome = byDestination.get(destination);
    if (byOutcome === undefined) byDestination.set(destination, (byOutcome = new Map()));
    const key = status * FLAGS.length + FLAGS.indexOf(flags);
    let s = byOutcome.get(key);
    if (s === undefined) byOutcome.set(key, (s = { requests: 0, sumMs: 0, buckets: new Float64Array(DURATION_BUCKETS_MS.length + 1) }));
    s.requests++;
    s.sumMs += ms;
    let i = 0;
    while (i < DURATION_BUCKETS_MS.length && ms > DURATION_BUCKETS_MS[i]!) i++;
    s.buckets[i]!++;
  }

  /** Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const all = [...this.series()];
    const out: string[] = ['# HELP istio_requests_total Total requests.', '# TYPE istio_requests_total counter'];
    for (const [labels, s] of all) out.push(`istio_requests_total{${labels}} ${s.requests}`);
    out.push('# HELP istio_request_duration_milliseconds Request duration in milliseconds.', '# TYPE istio_request_duration_milliseconds histogram');
    for (const [labels, s] of all) {
      let cumulative = 0;
      DURATION_BUCKETS_MS.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        out.push(`istio_request_duration_milliseconds_bucket{${labels},le="${le}"} ${cumulative}`);
      });
      out.push(`istio_request_duration_milliseconds_bucket{${labels},le="+Inf"} ${s.requests}`);
      out.push(`istio_request_duration_milliseconds_sum{${labels}} ${s.sumMs}`);
      out.push(`istio_request_duration_milliseconds_count{${labels}} ${s.requests}`);
    }
    return `${out.join('\n')}\n`;
  }

  private *series(): Generator<[string, Series]> {
    for (const [source, byDestination] of this.bySource) {
      for (const [destination, byOutcome] of byDestination) {
        for (const [key, s] of byOutcome) {
          const status = Math.floor(key / FLAGS.length);
          yield [`${source},${destination},response_code="${status}",response_flags="${FLAGS[key % FLAGS.length]}"`, s];
        }
      }
    }
  }
}

/** A label value escaped as the text format requires: backslash, double quote, newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
}

/**
 * The source half of the labels: the gateway's own Deployment. Istio's gateway controller
 * names it `<gateway>-<class>`; every Gateway served here has the class `istio`.
 */
export function sourceLabels(gatewayKey: string): string {
  const [namespace = UNKNOWN, name = UNKNOWN] = gatewayKey.split('/');
  const workload = `${name}-istio`;
  return labels([
    ['reporter', 'source'],
    ['source_workload', workload],
    ['source_workload_namespace', namespace],
    ['source_principal', `spiffe://cluster.local/ns/${namespace}/sa/${workload}`],
    ['source_app', workload],
    ['source_version', UNKNOWN],
    ['source_canonical_service', workload],
    ['source_canonical_revision', 'latest'],
    ['source_cluster', CLUSTER],
  ]);
}

/** The destination half: the Service asked for and, when one answered, its pod's workload. */
export function destinationLabels(service: { namespace: string; name: string } | undefined, endpoint: Endpoint | undefined): string {
  const id: WorkloadIdentity | undefined = endpoint?.identity;
  return labels([
    ['destination_workload', id?.workload ?? UNKNOWN],
    ['destination_workload_namespace', endpoint?.namespace ?? UNKNOWN],
    ['destination_principal', id && endpoint && endpoint.capture.mode !== 'none' ? `spiffe://cluster.local/ns/${endpoint.namespace}/sa/${id.serviceAccount}` : UNKNOWN],
    ['destination_app', id?.app ?? UNKNOWN],
    ['destination_version', id?.version ?? UNKNOWN],
    ['destination_service', service ? `${service.name}.${service.namespace}.svc.cluster.local` : UNKNOWN],
    ['destination_service_name', service?.name ?? UNKNOWN],
    ['destination_service_namespace', service?.namespace ?? UNKNOWN],
    ['destination_canonical_service', id?.canonicalService ?? UNKNOWN],
    ['destination_canonical_revision', id?.canonicalRevision ?? UNKNOWN],
    ['destination_cluster', CLUSTER],
    ['request_protocol', 'http'],
    // A source reporter cannot see the peer's policy (istio.io: "unknown when report is from source").
    ['connection_security_policy', UNKNOWN],
  ]);
}

/** Caches the label halves, so the request path only joins three strings. */
export class Labeller {
  private readonly sources = new Map<string, string>();
  private readonly services = new Map<string, string>();
  /** By endpoint object: a snapshot's endpoints are replaced whole, so old ones are collected. */
  private readonly endpoints = new WeakMap<Endpoint, string>();

  source(gatewayKey: string): string {
    let s = this.sources.get(gatewayKey);
    if (s === undefined) this.sources.set(gatewayKey, (s = sourceLabels(gatewayKey)));
    return s;
  }

  destination(service: { namespace: string; name: string } | undefined, endpoint?: Endpoint): string {
    if (endpoint) {
      let d = this.endpoints.get(endpoint);
      if (d === undefined) this.endpoints.set(endpoint, (d = destinationLabels(service, endpoint)));
      return d;
    }
    const key = service ? `${service.namespace}/${service.name}` : '';
    let d = this.services.get(key);
    if (d === undefined) this.services.set(key, (d = destinationLabels(service, undefined)));
    return d;
  }
}
