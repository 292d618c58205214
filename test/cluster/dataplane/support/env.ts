// The running local cluster as the data-plane tests see it: the settings cluster-up wrote
// (the integration globalSetup provides them through vitest's inject(); a script run outside
// vitest, like bench.ts, reads test/cluster/.run/cluster.env), API clients and a runner.

import { AppsV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { TO } from '../../../support/demo-versions.js';

export const CLUSTER_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Istio's real charts of the demo's newer line, as `make cluster-build` placed them (scripts/istio-charts.sh). */
export const CHARTS = join(CLUSTER_ROOT, '.bin', 'istio', TO);

function fileEnv(): Record<string, string> {
  const path = join(CLUSTER_ROOT, '.run', 'cluster.env');
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

export interface ClusterEnv {
  kubeconfig: string;
  helm: string;
  kubectl: string;
}

function injected(): Partial<ClusterEnv> {
  try {
    return { kubeconfig: inject('kubeconfig'), helm: inject('helm'), kubectl: inject('kubectl') };
  } catch {
    return {};
  }
}

export function clusterEnv(): ClusterEnv {
  const file = fileEnv();
  const fromVitest = injected();
  const get = (k: string) => file[k];
  const kubeconfig = fromVitest.kubeconfig || get('KUBECONFIG');
  if (!kubeconfig) throw new Error('no KUBECONFIG: run `make cluster-up` (or the integration globalSetup) first');
  const bin = join(CLUSTER_ROOT, '.bin');
  return { kubeconfig, helm: fromVitest.helm || get('HELM') || join(bin, 'helm'), kubectl: fromVitest.kubectl || get('KUBECTL') || join(bin, 'kubectl') };
}

export interface Kube {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  discovery: DiscoveryV1Api;
}

export function kube(): Kube {
  const kc = new KubeConfig();
  kc.loadFromFile(clusterEnv().kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with an argument array (no shell); never throws on a non-zero exit. */
export function run(bin: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  const env = { ...process.env, KUBECONFIG: clusterEnv().kubeconfig };
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function helm(args: string[]): Promise<RunResult> {
  return run(clusterEnv().helm, args, 180_000);
}

export async function kubectl(args: string[]): Promise<RunResult> {
  return run(clusterEnv().kubectl, args);
}

/** Like run, but a non-zero exit fails the test with the command's stderr. */
export async function must(result: Promise<RunResult>, what: string): Promise<string> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}
