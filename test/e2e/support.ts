import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import type { HTTPRoute, RouteRule } from '../../src/gateway-api/types.js';
import { FROM, FROM_REV, TO, TO_REV } from '../support/demo-versions.js';

/** Given/When/Then helpers for end-to-end tests: the real CLI against the local cluster. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_CONFIG = `${root}test/cluster/demo/canary.yaml`;
// The demo's versions (test/cluster/demo/versions.env), their revision names and application namespaces.
export { FROM, FROM_REV, TO, TO_REV };
export const STABLE_NS = `bookinfo-${FROM_REV}`;
export const CANARY_NS = `bookinfo-${TO_REV}`;

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfig'));
export const core = kc.makeApiClient(CoreV1Api);
export const apps = kc.makeApiClient(AppsV1Api);
export const custom = kc.makeApiClient(CustomObjectsApi);

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The verbs whose preflight measures the stable under load (issue 15). */
const PROBING = new Set(['upgrade', 'doctor']);

/**
 * Every e2e upgrade and doctor probes the stable for 1 s, not the default 5 s: CI runs these
 * tests on 2 cores under a 60-minute budget, and nearly every test upgrades. Put right after
 * the verb, so a test's own --stable-probe (a later flag) wins.
 */
export function withShortProbe(args: readonly string[]): string[] {
  const [verb, ...rest] = args;
  return verb !== undefined && PROBING.has(verb) ? [verb, '--stable-probe', '1s', ...rest] : [...args];
}

/** `canary <args>` with the demo's settings; never throws on a non-zero exit. A signal sent to it is never escalated to SIGKILL (execa's default after 5 s): the revert it starts takes longer. */
export function canary(args: readonly string[]): ResultPromise<{ reject: false; cwd: string; env: Record<string, string>; all: true; forceKillAfterDelay: false }> {
  return execa('node', [`${root}bin/canary.js`, ...withShortProbe(args), '--config', DEMO_CONFIG], { reject: false, cwd: root, env: { CI: 'true' }, all: true, forceKillAfterDelay: false });
}

export function upgradeArgs(...extra: string[]): string[] {
  return ['upgrade', '--from', FROM, '--to', TO, '--bake', '3s', ...extra];
}

export async function route(): Promise<HTTPRoute> {
  return (await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'istio-ingress', plural: 'httproutes', name: 'bookinfo' })) as HTTPRoute;
}

/** The rules of test/cluster/demo/route.yaml: what the route must look like at 100% stable. */
export const STABLE_RULES: RouteRule[] = [
  { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'productpage', namespace: STABLE_NS, port: 9080, weight: 1 }] },
  {
    matches: [{ path: { type: 'PathPrefix', value: '/details' } }],
    filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-route', value: 'details' }] } }],
    backendRefs: [{ group: '', kind: 'Service', name: 'details', namespace: STABLE_NS, port: 9080, weight: 1 }],
  },
];

/** Backend namespaces and weights of every rule, e.g. [[STABLE_NS, 90], [CANARY_NS, 10]]. */
export function backends(r: HTTPRoute): [string, number][][] {
  return (r.spec.rules ?? []).map((rule) => (rule.backendRefs ?? []).map((b) => [b.namespace ?? '', b.weight ?? 1]));
}

export async function namespaceExists(name: string): Promise<boolean> {
  return core.readNamespace({ name }).then(
    () => true,
    () => false,
  );
}

export async function nodeRevisions(): Promise<Record<string, string | undefined>> {
  const nodes = await core.listNode();
  return Object.fromEntries(
    nodes.items.filter((n) => n.metadata?.name?.startsWith('kwok-node-')).map((n) => [n.metadata?.name ?? '', n.metadata?.labels?.['istio.io/rev']]),
  );
}

export async function nodeTaints(): Promise<string[]> {
  const nodes = await core.listNode();
  return nodes.items.flatMap((n) => (n.spec?.taints ?? []).filter((t) => t.key === 'istio.io/rev').map((t) => `${n.metadata?.name}:${t.value}`));
}

export async function releases(): Promise<string[]> {
  const { stdout } = await execa(inject('helm'), ['list', '-n', 'istio-system', '-q', '--kubeconfig', inject('kubeconfig')]);
  return stdout.split('\n').filter(Boolean).sort();
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves once the route gives the canary `weight` percent on its first rule. */
export function routeAtCanaryWeight(weight: number, timeoutMs?: number): Promise<true> {
  return eventually(`the route at ${100 - weight}/${weight}`, async () => {
    const first = backends(await route())[0] ?? [];
    const canary = first.find(([ns]) => ns === CANARY_NS)?.[1];
    const stable = first.find(([ns]) => ns === STABLE_NS)?.[1] ?? 0;
    return canary !== undefined && canary + stable > 0 && Math.round((100 * canary) / (canary + stable)) === weight ? true : undefined;
  }, timeoutMs);
}

export function annotateCanaryZtunnel(annotations: Record<string, string>): Promise<void> {
  return annotateZtunnel(TO_REV, annotations);
}

/** Stages faults on a revision's ztunnel DaemonSet at run time; a value of `-` removes the annotation. */
export async function annotateZtunnel(revision: string, annotations: Record<string, string>): Promise<void> {
  const args = Object.entries(annotations).map(([k, v]) => (v === '-' ? `${k}-` : `${k}=${v}`));
  await execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'annotate', '--overwrite', '-n', 'istio-system', 'daemonset', `ztunnel-${revision}`, ...args]);
}
