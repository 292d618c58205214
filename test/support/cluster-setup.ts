// Vitest global setup of the integration and e2e projects: makes sure the local cluster
// (test/cluster, see its README) runs, then hands its settings to the tests.
//
// Tests read them with vitest's inject(), never from process.env:
//   inject('kubeconfig')  path of the kubeconfig        (KUBECONFIG in cluster.env)
//   inject('helm')        the helm binary built for it  (HELM)
//   inject('gatewayUrl')  http://<address>:<port> of the first Gateway listener, '' if none
//   inject('prometheusUrl') http://<address>:<port> of the Prometheus scraping the simulator's
//                         Istio metrics every second (PROMETHEUS_URL)
//   inject('chartRepoUrl') http://<address>:<port> of the Helm repository serving Istio's real
//                         charts (CHART_REPO_URL; test/cluster/scripts/istio-charts.sh)
//   inject('kubectl'), inject('clusterBin'), inject('auditLog')  likewise
// A test that runs the CLI passes these on explicitly (e.g. `--kubeconfig`).
//
// The cluster is left running at the end (the next run re-uses it; CI's machine is thrown
// away); CLUSTER_TEARDOWN=1 runs `make cluster-down` after the tests.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { lockDemoState, resetDemoState } from './demo-state.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    helm: string;
    kubectl: string;
    gatewayUrl: string;
    prometheusUrl: string;
    chartRepoUrl: string;
    clusterBin: string;
    auditLog: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const runDir = fileURLToPath(new URL('../cluster/.run/', import.meta.url));
const simMain = fileURLToPath(new URL('../cluster/sim/main.ts', import.meta.url));

/** cluster.env as written by test/cluster/scripts/up.sh: KEY=value lines, values unquoted. */
export function readClusterEnv(file = `${runDir}cluster.env`): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]] as const);
  return Object.fromEntries(entries);
}

function alive(pidFile: string): boolean {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

/** Healthy: the apiserver answers (through etcd), and the simulator, the chart repository and Prometheus run. */
async function healthy(env: Record<string, string>): Promise<boolean> {
  const kubeconfig = env['KUBECONFIG'];
  if (!kubeconfig || !existsSync(kubeconfig)) return false;
  if (existsSync(simMain) && !alive(`${runDir}sim.pid`)) return false;
  if (!env['PROMETHEUS_URL'] || !alive(`${runDir}prometheus.pid`)) return false;
  if (!env['CHART_REPO_URL'] || !alive(`${runDir}chart-repo.pid`)) return false;
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode({ limit: 1, timeoutSeconds: 5 });
    return nodes.items.length > 0;
  } catch {
    return false;
  }
}

/**
 * A fresh cluster has no Istio at all. Tests that build a mesh of their own still rely on
 * what a mesh shares cluster-wide (istio-base's CRDs, the istio-cni DaemonSet on every node),
 * as the demo's stable mesh installs it: without istio-cni, their setup waits in vain.
 */
async function ensureStableMesh(kubeconfig: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const cni = await kc.makeApiClient(AppsV1Api).listDaemonSetForAllNamespaces({ labelSelector: 'k8s-app=istio-cni-node' });
  if (cni.items.length > 0) return;
  const unlock = await lockDemoState();
  try {
    console.log('[setup] no istio-cni in the cluster yet: installing the demo stable mesh (test/cluster/demo/stable-mesh.sh)');
    await resetDemoState();
  } finally {
    unlock();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let env = readClusterEnv();
  if (!env || !(await healthy(env))) {
    // Builds what is missing (the first, cold build takes 20-35 minutes) and starts it all.
    await execa('make', ['--no-print-directory', 'cluster-up'], { cwd: repoRoot, stdio: 'inherit' });
    env = readClusterEnv();
  }
  if (!env?.['KUBECONFIG']) throw new Error(`make cluster-up wrote no ${runDir}cluster.env`);
  project.provide('kubeconfig', env['KUBECONFIG']);
  project.provide('helm', env['HELM'] ?? '');
  project.provide('kubectl', env['KUBECTL'] ?? '');
  project.provide('gatewayUrl', env['GATEWAY_URL'] ?? '');
  project.provide('prometheusUrl', env['PROMETHEUS_URL'] ?? '');
  project.provide('chartRepoUrl', env['CHART_REPO_URL'] ?? '');
  project.provide('clusterBin', env['CLUSTER_BIN'] ?? '');
  project.provide('auditLog', env['AUDIT_LOG'] ?? '');
  await ensureStableMesh(env['KUBECONFIG']);

  return async () => {
    if (process.env['CLUSTER_TEARDOWN'] === '1') {
      await execa('make', ['--no-print-directory', 'cluster-down'], { cwd: repoRoot, stdio: 'inherit' });
    }
  };
}
