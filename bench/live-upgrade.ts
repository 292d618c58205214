/**
 * What the live benchmarks share (breach-revert.ts, live-judges.ts): the local cluster's
 * checks, a demo reset, one `canary upgrade` of the demo through the CLI with the route's
 * canary weight watched, and the simulator's staged faults on a revision's ztunnel
 * (sim.ambient-canary.dev/* annotations: test/cluster/sim/README.md).
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { TO_REV } from '../test/support/demo-versions.js';
import { clusterEnv, ROOT } from './lib.js';

export const DEMO = `${ROOT}test/cluster/demo`;
const CANARY_NS = `bookinfo-${TO_REV}`;

export interface LiveCluster {
  readonly kubeconfig: string;
  readonly kubectl: (args: readonly string[]) => Promise<{ stdout: string }>;
}

/** The local cluster with the demo set up, or the reason it cannot be used (the bench then skips, saying why). */
export async function liveCluster(): Promise<LiveCluster | string> {
  const env = clusterEnv();
  const kubeconfig = env?.['KUBECONFIG'];
  const bin = env?.['KUBECTL'];
  if (!kubeconfig || !bin) return 'no local cluster (test/cluster/.run/cluster.env is missing): run `make cluster-up`';
  if (!existsSync(`${DEMO}/stable-mesh.sh`) || !existsSync(`${DEMO}/canary.yaml`)) return 'the demo setup (test/cluster/demo: stable-mesh.sh, canary.yaml) is not there';
  if (!existsSync(`${ROOT}dist/cli/main.js`)) return 'dist/ is not built: run `make build`';
  const kubectl = (args: readonly string[]) => execa(bin, [...args], { env: { KUBECONFIG: kubeconfig } });
  if ((await kubectl(['get', 'ns', 'istio-ingress']).catch((e: unknown) => e)) instanceof Error) return 'the local cluster does not answer (or has no istio-ingress namespace): run `make cluster-up`';
  return { kubeconfig, kubectl };
}

/** The canary's percentage in the route's weighted rules (the largest over rules; header-matched rules, like the smoke route, left out). */
export function canaryWeight(route: { spec?: { rules?: Array<{ matches?: Array<{ headers?: unknown[] }>; backendRefs?: Array<{ namespace?: string; weight?: number }> }> } }): number {
  let most = 0;
  for (const rule of route.spec?.rules ?? []) {
    if (rule.matches?.some((m) => (m.headers?.length ?? 0) > 0)) continue;
    const refs = rule.backendRefs ?? [];
    const total = refs.reduce((n, r) => n + (r.weight ?? 1), 0);
    const canary = refs.filter((r) => r.namespace === CANARY_NS).reduce((n, r) => n + (r.weight ?? 1), 0);
    if (total > 0) most = Math.max(most, Math.round((100 * canary) / total));
  }
  return most;
}

/** Calls onWeight on every watch event of the demo's route, with the moment it arrived. */
export async function watchRoute(cluster: LiveCluster, onWeight: (weight: number, atMs: number) => void): Promise<{ abort?: () => void }> {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const path = '/apis/gateway.networking.k8s.io/v1/namespaces/istio-ingress/httproutes';
  return (await new Watch(kc).watch(path, { fieldSelector: 'metadata.name=bookinfo' }, (_t, obj) => onWeight(canaryWeight(obj as never), Date.now()), () => undefined)) as { abort?: () => void };
}

/** Stages faults on a revision's ztunnel DaemonSet now; a value of `-` removes the annotation. */
export async function annotateZtunnel(cluster: LiveCluster, revision: string, annotations: Record<string, string>): Promise<void> {
  const args = Object.entries(annotations).map(([k, v]) => (v === '-' ? `${k}-` : `${k}=${v}`));
  await cluster.kubectl(['annotate', '--overwrite', '-n', 'istio-system', 'daemonset', `ztunnel-${revision}`, ...args]);
}

export const FAULT = {
  errorRate: 'sim.ambient-canary.dev/error-rate',
  statusCode: 'sim.ambient-canary.dev/status-code',
  afterSeconds: 'sim.ambient-canary.dev/after-seconds',
  since: 'sim.ambient-canary.dev/fault-since',
} as const;

/** The demo's starting state (stable-mesh.sh); the caller holds the demo state's lock (test/support/demo-state.ts), so the script does not wait for it. */
export async function resetDemo(log: WriteStream): Promise<void> {
  await execa(`${DEMO}/stable-mesh.sh`, [], { cwd: ROOT, stdout: log, stderr: log, env: { DEMO_LOCK_OWNER: String(process.pid) } });
}

/** `canary upgrade` of the demo with the given extra flags, output to the log; its exit code. */
export async function upgradeDemo(log: WriteStream, from: string, to: string, flags: readonly string[]): Promise<number> {
  const args = ['upgrade', '--config', `${DEMO}/canary.yaml`, '--from', from, '--to', to, ...flags];
  const cli = await execa(process.execPath, [`${ROOT}bin/canary.js`, ...args], { cwd: ROOT, reject: false, stdout: log, stderr: log, timeout: 900_000 });
  return cli.exitCode ?? -1;
}

export async function openLog(path: string): Promise<WriteStream> {
  const log = createWriteStream(path);
  await new Promise((r) => log.once('open', r));
  return log;
}
