// The simulated data path of one request: gateway listener -> HTTPRoute rule -> weighted
// backendRef -> Ready endpoint -> (ambient) the ztunnel of the endpoint's node -> the workload's
// answer. Errors look like a mesh's: 404 without a route, 500 for an unusable backendRef,
// 503 for no Ready endpoint or a broken data plane, a staged fault's status code.
// Hot path: no API calls, few allocations (the gateway must sustain thousands of requests/s).
// Every answer after a programmed listener is counted in Istio's standard metrics (../mesh/
// telemetry.ts) with the gateway as source, as the gateway's Envoy would count it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver } from '../mesh/delivery.js';
import { applyFault } from '../mesh/faults.js';
import { Labeller, type RequestMetrics, type ResponseFlags } from '../mesh/telemetry.js';
import type { Endpoint } from '../mesh/workloads.js';
import type { RouteFilter } from '../model/gateway-api.js';
import { pickBackend } from '../routing/backends.js';
import { applyRequestFilters, applyResponseFilters, type HeaderMap } from '../routing/headers.js';
import { requestHost } from '../routing/hostnames.js';
import { requestView } from '../routing/request.js';
import { findRoute } from '../routing/table.js';
import { listenerFor, type Snapshot } from './snapshot.js';

const NO_UPSTREAM = 'no healthy upstream';
const RESET = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';
const NONE: RouteFilter[] = [];

/** What the metrics of one request need besides its answer: where it came in, and when. */
interface Tally {
  readonly metrics: RequestMetrics;
  readonly labeller: Labeller;
  readonly source: string;
  readonly startMs: number;
}

/** Who answered, for the destination labels: the Service asked for and the pod, if one was picked. */
interface Answerer {
  readonly service?: { namespace: string; name: string } | undefined;
  readonly endpoint?: Endpoint | undefined;
  readonly flags: ResponseFlags;
}

function send(res: ServerResponse, status: number, headers: HeaderMap, body: string, filters: RouteFilter[], tally?: Tally, who?: Answerer): void {
  if (tally && who) tally.metrics.record(tally.source, tally.labeller.destination(who.service, who.endpoint), status, who.flags, performance.now() - tally.startMs);
  if (filters.length > 0) applyResponseFilters(headers, filters);
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

function requestHeaders(req: IncomingMessage, filters: RouteFilter[]): HeaderMap | undefined {
  if (filters.length === 0) return undefined;
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  applyRequestFilters(out, filters);
  return out;
}

/** Past the gateway: the chosen Service's endpoint answers, through its node's ztunnel. */
function serve(snap: Snapshot, res: ServerResponse, route: string, svc: { namespace: string; name: string }, filters: RouteFilter[], seen: HeaderMap | undefined, now: number, tally: Tally | undefined): void {
  const key = `${svc.namespace}/${svc.name}`;
  const eps = snap.endpoints.get(key);
  if (!eps || eps.length === 0) return send(res, 503, { 'x-sim-route': route, 'x-sim-service': key, 'content-type': 'text/plain', 'x-sim-error': 'no Ready endpoint' }, NO_UPSTREAM, filters, tally, { service: svc, flags: 'UH' });
  const ep = eps[Math.floor(Math.random() * eps.length)]!;
  const d = deliver(ep, snap.dataPlane);
  const headers: HeaderMap = { 'x-sim-route': route, 'x-sim-service': key, 'x-sim-namespace': ep.namespace, 'x-sim-pod': ep.pod, 'x-sim-node': ep.node ?? '', 'x-sim-revision': 'none', 'x-sim-served-by': 'none' };
  if (d.kind === 'fail') {
    const servedBy = d.revision ? `ztunnel-${d.revision}` : 'none';
    Object.assign(headers, { 'content-type': 'text/plain', 'x-sim-revision': d.revision ?? '', 'x-sim-served-by': servedBy, 'x-sim-ztunnel': d.ztunnel ?? '', 'x-sim-error': d.reason });
    return send(res, 503, headers, RESET, filters, tally, { service: svc, endpoint: ep, flags: 'UF' });
  }
  const answered: Answerer = { service: svc, endpoint: ep, flags: '-' };
  if (d.kind === 'ztunnel') Object.assign(headers, { 'x-sim-revision': d.revision, 'x-sim-served-by': `ztunnel-${d.revision}`, 'x-sim-ztunnel': d.ztunnel });
  if (d.kind === 'sidecar') Object.assign(headers, { 'x-sim-revision': d.revision, 'x-sim-served-by': `sidecar-${d.revision}` });
  const fault = d.kind === 'ztunnel' && d.set ? applyFault(d.set.fault, d.set.faultStartMs, now) : undefined;
  const answer = () => {
    if (fault?.errorStatus !== undefined) {
      return send(res, fault.errorStatus, Object.assign(headers, { 'content-type': 'text/plain', 'x-sim-error': 'staged fault' }), 'fault injected', filters, tally, answered);
    }
    headers['content-type'] = 'application/json';
    const body = JSON.stringify({ namespace: ep.namespace, service: svc.name, pod: ep.pod, node: ep.node, revision: headers['x-sim-revision'], servedBy: headers['x-sim-served-by'], route, headers: seen });
    send(res, 200, headers, body, filters, tally, answered);
  };
  if (fault && fault.latencyMs > 0) setTimeout(answer, fault.latencyMs);
  else answer();
}

/** `metrics`: where to count what the gateways serve (none: count nothing). */
export function createHandler(current: () => Snapshot, now: () => number = Date.now, metrics?: RequestMetrics) {
  const labeller = new Labeller();
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const startMs = performance.now();
    const snap = current();
    const port = snap.ports.get(`${req.socket.localAddress}:${req.socket.localPort}`);
    // Not programmed: no Envoy would be serving here, so nothing is counted.
    if (!port?.listeners) return send(res, 503, { 'content-type': 'text/plain', 'x-sim-error': 'gateway not programmed' }, NO_UPSTREAM, NONE);
    const tally = metrics ? { metrics, labeller, source: labeller.source(port.gateway), startMs } : undefined;
    const host = requestHost(req.headers.host);
    const listener = listenerFor(port.listeners, host);
    const hit = listener ? findRoute(listener.table, requestView(host, req.url ?? '/', req.method ?? 'GET', req.headers)) : undefined;
    if (!hit) return send(res, 404, { 'x-sim-error': 'no route' }, '', NONE, tally, { flags: 'NR' });
    const rule = hit.rule;
    const backend = pickBackend(rule.backends);
    const filters = !backend || backend.filters.length === 0 ? rule.filters : rule.filters.length === 0 ? backend.filters : [...rule.filters, ...backend.filters];
    const route = `${rule.routeKey}#${rule.index}`;
    const target = backend?.target;
    if (!target || 'invalid' in target) {
      return send(res, 500, { 'x-sim-route': route, 'x-sim-error': target ? target.invalid : 'no backend with a positive weight' }, '', filters, tally, { flags: 'DR' });
    }
    serve(snap, res, route, target, filters, requestHeaders(req, filters), now(), tally);
  };
}
