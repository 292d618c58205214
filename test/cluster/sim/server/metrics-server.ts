// The metrics port: Istio's standard metrics of every Gateway served here, in Prometheus text
// format, at /stats/prometheus (the path of Envoy's merged stats port 15090) and /metrics.
// On loopback only; a port already taken is logged and the simulator runs on without metrics
// (a second, throwaway cluster must be given its own --metrics-address).

import { createServer, type Server } from 'node:http';
import type { LogLine } from '../log.js';
import type { RequestMetrics } from '../mesh/telemetry.js';

const PATHS = new Set(['/stats/prometheus', '/metrics']);

export function serveMetrics(address: string, metrics: RequestMetrics, log: LogLine): Server {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' || !PATHS.has(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /stats/prometheus\n');
      return;
    }
    const body = metrics.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.once('error', (err: NodeJS.ErrnoException) => log(`metrics ${address}: cannot listen: ${err.code ?? err.message}; serving no metrics`));
  server.listen(port, host, () => log(`metrics ${address}: serving Istio's standard metrics at /stats/prometheus`));
  return server;
}
