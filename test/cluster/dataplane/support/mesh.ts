// Installs Istio's real charts (support/env.ts CHARTS) with the real helm, the way the product does.

import { join } from 'node:path';
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { CHARTS, helm, must, type Kube } from './env.js';
import { waitFor } from './poll.js';

/**
 * helm upgrade --install with --wait (pass wait: false for a release expected never to be Ready).
 * `strings` are --set-string values (annotations must stay strings: `--set` would make 1 a number).
 */
export async function installChart(chart: 'base' | 'istiod' | 'cni' | 'ztunnel', release: string, namespace: string, sets: string[], opts: { wait?: boolean; extra?: string[]; strings?: string[] } = {}): Promise<string> {
  const wait = opts.wait === false ? [] : ['--wait', '--timeout', '2m'];
  const args = ['upgrade', '--install', release, join(CHARTS, chart), '-n', namespace, '--create-namespace', ...wait, ...(opts.extra ?? [])];
  for (const s of sets) args.push('--set', s);
  for (const s of opts.strings ?? []) args.push('--set-string', s);
  return must(helm(args), `helm upgrade --install ${release}`);
}

export async function uninstall(release: string, namespace: string): Promise<void> {
  await helm(['uninstall', release, '-n', namespace, '--wait', '--timeout', '1m']);
}

/** The Istio CRDs (base chart), installed once per cluster under Istio's usual release name. */
export async function ensureBase(): Promise<void> {
  const status = await helm(['status', 'istio-base', '-n', 'istio-system']);
  if (status.code !== 0) await installChart('base', 'istio-base', 'istio-system', []);
}

/** istio-cni with ambient, the cluster singleton that puts pods in ambient (as the demo installs it). */
export async function ensureCni(): Promise<void> {
  const status = await helm(['status', 'istio-cni', '-n', 'istio-system']);
  if (status.code !== 0) await installChart('cni', 'istio-cni', 'istio-system', ['profile=ambient']);
}

/** A ztunnel DaemonSet annotation the simulator reads as a staged fault, as a --set-string value. */
export function faultValue(name: string, value: string): string {
  return `annotations.sim\\.ambient-canary\\.dev/${name}=${value}`;
}

export async function daemonSet(k: Kube, namespace: string, name: string): Promise<V1DaemonSet> {
  return k.apps.readNamespacedDaemonSet({ namespace, name });
}

export async function podsOf(k: Kube, namespace: string, ds: string): Promise<V1Pod[]> {
  const pods = await k.core.listNamespacedPod({ namespace, labelSelector: 'app=ztunnel' });
  return pods.items.filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === ds) && !p.metadata?.deletionTimestamp);
}

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waits until the DaemonSet has `count` Ready pods (numberReady == desiredNumberScheduled == count). */
export async function dsReady(k: Kube, namespace: string, name: string, count: number): Promise<V1DaemonSet> {
  return waitFor(`DaemonSet ${namespace}/${name} with ${count} Ready pods`, async () => {
    const ds = await daemonSet(k, namespace, name);
    const s = ds.status;
    return s?.desiredNumberScheduled === count && s.numberReady === count && ds;
  });
}
