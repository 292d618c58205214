// The simulated ambient data plane of the local cluster. Started by `make cluster-up` as
//   node --import tsx test/cluster/sim/main.ts --kubeconfig <path> --run-dir <test/cluster/.run>
//     [--metrics-address 127.0.0.1:15090] [--egress-socket <run dir>/egress.sock]
// It watches the apiserver, acts as Istio's Gateway controller, serves every Gateway on its own
// loopback address and answers for the mesh's workloads. With --egress-socket it also serves
// the HTTP CONNECT proxy of kube-apiserver's egress selector and istiod's admission webhooks
// behind it (admission/). See README.md beside this file.

import { KubeConfig } from '@kubernetes/client-node';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Admission } from './admission/admission.js';
import { Reconciler } from './controllers/reconciler.js';
import { WebhookCaController } from './controllers/webhook-ca.js';
import { Caches } from './kube/informers.js';
import { StatusWriter } from './kube/status-writer.js';
import { stdoutLog } from './log.js';
import { RequestMetrics } from './mesh/telemetry.js';
import { createHandler } from './server/handler.js';
import { Listeners } from './server/listeners.js';
import { serveMetrics } from './server/metrics-server.js';

const { values } = parseArgs({
  options: { kubeconfig: { type: 'string' }, 'run-dir': { type: 'string' }, 'metrics-address': { type: 'string' }, 'egress-socket': { type: 'string' } },
  strict: true,
});
const kubeconfig = values.kubeconfig ?? process.env['KUBECONFIG'];
if (!kubeconfig) {
  process.stderr.write('usage: main.ts --kubeconfig <path> [--run-dir <dir>]\n');
  process.exit(2);
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);

let reconciler: Reconciler | undefined;
let admission: Admission | undefined;
let webhookCa: WebhookCaController | undefined;
const schedule = () => {
  reconciler?.schedule();
  admission?.changed();
  webhookCa?.schedule();
};
const caches = new Caches(kc, schedule, stdoutLog);
const writer = new StatusWriter(kc, stdoutLog, schedule);
const metrics = new RequestMetrics();
const metricsServer = values['metrics-address'] ? serveMetrics(values['metrics-address'], metrics, stdoutLog) : undefined;
const listeners = new Listeners(createHandler(() => reconciler?.current() ?? { ports: new Map(), endpoints: new Map(), dataPlane: { nodes: new Map(), daemonSets: new Map() } }, Date.now, metrics), schedule, stdoutLog);
reconciler = new Reconciler(caches, writer, listeners, stdoutLog);

// Retries of failed binds and status writes ride on a slow periodic pass.
const tick = setInterval(schedule, 5000);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  stdoutLog(`simulator stopping (${signal})`);
  clearInterval(tick);
  reconciler?.stop();
  webhookCa?.stop();
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  await Promise.race([Promise.all([caches.stop(), listeners.closeAll(), admission?.close()]), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

stdoutLog(`simulator starting (kubeconfig ${kubeconfig}${values['run-dir'] ? `, run dir ${values['run-dir']}` : ''}, pid ${process.pid})`);
const egressSocket = values['egress-socket'];
if (egressSocket) {
  admission = await Admission.start(caches, values['run-dir'] ?? dirname(egressSocket), egressSocket, stdoutLog);
  webhookCa = new WebhookCaController(kc, caches, Buffer.from(admission.ca.bundle).toString('base64'), stdoutLog);
}
await caches.start();
