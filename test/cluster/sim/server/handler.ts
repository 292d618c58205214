// The simulated data path of one request: gateway listener -> HTTPRoute rule -> weighted
// backendRef -> Ready endpoint -> (ambient) the ztunnel of the endpoint's node -> the workload's
// answer. Errors look like a mesh's: 404 without a route, 500 for an unusable backendRef,
// 503 for no Ready endpoint or a broken data plane, a staged fault's status code.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver } from '../mesh/delivery.js';
import { applyFault } from '../mesh/faults.js';
import { pickBackend } from '../routing/backends.js';
import { applyRequestFilters, applyResponseFilters, type HeaderMap } from '../routing/headers.js';
import { requestHost } from '../routing/hostnames.js';
import { requestView } from '../routing/request.js';
import { findRoute } from '../routing/table.js';
import type { RouteFilter } from '../model/gateway-api.js';
import { listenerFor, type Snapshot } from './snapshot.js';

const NO_UPSTREAM = 'no healthy upstream';
const RESET = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';

function send(res: ServerResponse, status: number, headers: HeaderMap, body: string, filters: RouteFilter[] = []): void {
  applyResponseFilters(headers, filters);
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

function requestHeaders(req: IncomingMessage): HeaderMap {
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

export function createHandler(current: () => Snapshot, now: () => number = Date.now) {
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const snap = current();
    const port = snap.ports.get(`${req.socket.localAddress}:${req.socket.localPort}`);
    if (!port?.listeners) return send(res, 503, { 'content-type': 'text/plain', 'x-sim-error': 'gateway not programmed' }, NO_UPSTREAM);
    const host = requestHost(req.headers.host);
    const listener = listenerFor(port.listeners, host);
    const view = requestView(host, req.url ?? '/', req.method ?? 'GET', req.headers);
    const hit = listener ? findRoute(listener.table, view) : undefined;
    if (!hit) return send(res, 404, { 'x-sim-error': 'no route' }, '');
    const rule = hit.rule;
    const backend = pickBackend(rule.backends);
    const filters = backend ? [...rule.filters, ...backend.filters] : rule.filters;
    const route = `${rule.routeKey}#${rule.index}`;
    const target = backend?.target;
    if (!target || 'invalid' in target) {
      const why = target ? target.invalid : 'no backend with a positive weight';
      return send(res, 500, { 'x-sim-route': route, 'x-sim-error': why }, '', filters);
    }
    const reqHeaders = filters.length > 0 ? requestHeaders(req) : undefined;
    if (reqHeaders) applyRequestFilters(reqHeaders, filters);
    const svc = `${target.namespace}/${target.name}`;
    const eps = snap.endpoints.get(svc);
    const base: HeaderMap = { 'x-sim-route': route, 'x-sim-service': svc };
    if (!eps || eps.length === 0) return send(res, 503, { ...base, 'content-type': 'text/plain', 'x-sim-error': 'no Ready endpoint' }, NO_UPSTREAM, filters);
    const ep = eps[Math.floor(Math.random() * eps.length)]!;
    const headers: HeaderMap = { ...base, 'x-sim-namespace': ep.namespace, 'x-sim-pod': ep.pod, 'x-sim-node': ep.node ?? '' };
    const d = deliver(ep, snap.dataPlane);
    if (d.kind === 'fail') {
      Object.assign(headers, { 'content-type': 'text/plain', 'x-sim-revision': d.revision ?? '', 'x-sim-ztunnel': d.ztunnel ?? '', 'x-sim-error': d.reason });
      return send(res, 503, headers, RESET, filters);
    }
    headers['x-sim-revision'] = d.kind === 'ztunnel' ? d.revision : 'none';
    if (d.kind === 'ztunnel') headers['x-sim-ztunnel'] = d.ztunnel;
    const fault = d.kind === 'ztunnel' && d.set ? applyFault(d.set.fault, d.set.faultStartMs, now()) : undefined;
    const answer = () => {
      if (fault?.errorStatus !== undefined) {
        return send(res, fault.errorStatus, { ...headers, 'content-type': 'text/plain', 'x-sim-error': 'staged fault' }, 'fault injected', filters);
      }
      const body = JSON.stringify({ namespace: ep.namespace, service: target.name, pod: ep.pod, node: ep.node, revision: headers['x-sim-revision'], route, headers: reqHeaders });
      send(res, 200, { ...headers, 'content-type': 'application/json' }, body, filters);
    };
    if (fault && fault.latencyMs > 0) setTimeout(answer, fault.latencyMs);
    else answer();
  };
}
