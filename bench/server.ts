/**
 * A stand-in gateway for the benchmarks, run in its own process so it does not share the
 * load generator's event loop: each response names the revision that "served" it in
 * x-canary-revision, picked at random with the canary share, and fails with 503 at the
 * given background error rate. Prints its URL on the first line of stdout.
 *
 *   tsx bench/server.ts [canaryShare=0.1] [errorRate=0] [stable=FROM_REV] [canary=TO_REV]
 *
 * (the demo's revision names by default: test/support/demo-versions.ts)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FROM_REV, TO_REV } from '../test/support/demo-versions.js';

const [share = '0.1', errorRate = '0', stable = FROM_REV, canary = TO_REV] = process.argv.slice(2);
const canaryShare = Number(share);
const failRate = Number(errorRate);
const body = Buffer.from('{"ok":true}');

const server = createServer((_req, res) => {
  const revision = Math.random() < canaryShare ? canary : stable;
  const status = Math.random() < failRate ? 503 : 200;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, 'x-canary-revision': revision });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
