import type { QueryOutcome } from '../slo/readings.js';
import { redactCredentials } from '../domain/url-credentials.js';

/**
 * Transport to a Prometheus server: one instant query over its HTTP API, answered as one
 * number, nothing, or a failure that says whether asking again could help. Knows nothing of
 * Istio or of what the number means (istio-queries.ts does).
 *
 * API (prometheus.io, "HTTP API"): POST /api/v1/query with `query`, `time` (unix seconds)
 * and `timeout`; the answer is `{"status":"success","data":{"resultType":…,"result":…}}` or
 * `{"status":"error","errorType":…,"error":…}` with 400 (bad parameters, unparsable query),
 * 422 (the expression cannot be executed) or 503 (timed out, cancelled).
 */
export class PrometheusHttp {
  private readonly endpoint: URL;
  /** The server's URL as messages show it: without the credentials of a `user:password@` URL. */
  readonly url: string;
  private readonly headers: Record<string, string> = { accept: 'application/json' };

  constructor(
    /** The server's base URL, e.g. http://prometheus.istio-system:9090 (a path prefix is kept). */
    url: string,
    private readonly timeoutMs: number,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    const endpoint = new URL('api/v1/query', url.endsWith('/') ? url : `${url}/`);
    // fetch refuses a URL with credentials (and its error quotes the URL): send them as
    // basic auth instead, and keep them out of every message, run record and Event.
    if (endpoint.username !== '' || endpoint.password !== '') {
      const user = decoded(endpoint.username);
      const password = decoded(endpoint.password);
      this.headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      endpoint.username = '';
      endpoint.password = '';
    }
    this.endpoint = endpoint;
    this.url = redactCredentials(url);
  }

  /** The query evaluated at `atMs`. Rejects only when `signal` aborts (an interrupt is not a failed query). */
  async query(promql: string, atMs: number, signal: AbortSignal): Promise<QueryOutcome> {
    const body = new URLSearchParams({ query: promql, time: (atMs / 1000).toFixed(3), timeout: `${this.timeoutMs}ms` });
    try {
      const response = await this.fetchFn(this.endpoint, {
        method: 'POST',
        body,
        headers: this.headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      return parseQueryResponse(response.status, await response.text());
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return { kind: 'failed', message: fetchFailure(error, this.timeoutMs), permanent: false };
    }
  }
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Why fetch threw, in words: the socket's code (ECONNREFUSED, ENOTFOUND, …) when there is one. */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return `unreachable: ${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

interface ApiAnswer {
  status?: unknown;
  errorType?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: unknown };
}

/** An HTTP answer of /api/v1/query as one number, nothing, or a failure. Pure. */
export function parseQueryResponse(status: number, text: string): QueryOutcome {
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(text) as ApiAnswer;
  } catch {
    const permanent = status >= 400 && status < 500 && status !== 429;
    return { kind: 'failed', message: `HTTP ${status}, not a Prometheus API answer${permanent ? ' (is the URL that of a Prometheus server?)' : ''}: ${snippet(text)}`, permanent };
  }
  if (answer.status !== 'success') {
    const type = typeof answer.errorType === 'string' ? answer.errorType : 'error';
    const permanent = status === 400 || status === 422 || type === 'bad_data' || type === 'execution';
    return { kind: 'failed', message: `HTTP ${status}, ${type}: ${typeof answer.error === 'string' ? answer.error : snippet(text)}`, permanent };
  }
  return oneNumber(answer.data?.resultType, answer.data?.result);
}

/** A result as the single number a judge can use: a scalar, or an instant vector of one series. */
export function oneNumber(resultType: unknown, result: unknown): QueryOutcome {
  if (resultType === 'scalar' && Array.isArray(result)) return sampleValue(result[1]);
  if (resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return { kind: 'empty', why: 'no series matched' };
    if (result.length > 1) return { kind: 'failed', message: `returned ${result.length} series, not one number: aggregate it (e.g. sum(...))`, permanent: true };
    return sampleValue((result[0] as { value?: unknown[] }).value?.[1]);
  }
  return { kind: 'failed', message: `returned a ${String(resultType)}, not one number: write an instant query (no [range] at the top level)`, permanent: true };
}

/** Prometheus writes sample values as strings, with NaN, +Inf and -Inf spelt out. */
function sampleValue(raw: unknown): QueryOutcome {
  const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : typeof raw === 'string' ? Number(raw) : Number.NaN;
  // NaN: 0/0 or a quantile of nothing, i.e. no requests in the range.
  if (Number.isNaN(value)) return { kind: 'empty', why: raw === 'NaN' ? 'NaN: no requests in the range' : `unreadable value ${JSON.stringify(raw)}` };
  return { kind: 'value', value };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat || '(empty body)';
}
