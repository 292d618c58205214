// The local cluster's Helm chart repository: serves .bin/istio/repo (index.yaml and the
// packaged Istio charts, see istio-charts.sh) over HTTP on a loopback address, the way
// https://blob.istio.io/istio-release/charts serves Istio's. Read-only, GET and HEAD only.
//   node chart-repo.mjs <dir> <127.0.0.1:port>
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';

const [dir, address] = process.argv.slice(2);
if (!dir || !address) {
  process.stderr.write('usage: chart-repo.mjs <dir> <host:port>\n');
  process.exit(2);
}
const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
const TYPES = { '.yaml': 'application/x-yaml', '.tgz': 'application/gzip' };

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'only GET and HEAD');
  // The repository is flat: a request names one file; anything with a folder in it is not ours.
  const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
  if (name === '' || name !== basename(name)) return answer(res, 404, 'not found');
  const file = join(dir, name);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return answer(res, 404, `no ${name} in the chart repository`);
  const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': info.size });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`${text}\n`);
}

server.listen(port, host, () => process.stdout.write(`chart repository ${dir} at http://${address}/\n`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
