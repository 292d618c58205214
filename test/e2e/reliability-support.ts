import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import { FaultProxy, type FaultProxyOptions } from '../support/fault-proxy.js';
import { DEMO_CONFIG, FROM, root, route, TO, withShortProbe } from './support.js';

/** Helpers of the reliability-*.test.ts files (issue 9). */

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfig'));
const discovery = kc.makeApiClient(DiscoveryV1Api);

type Running = ResultPromise<{ reject: false; all: true; detached: true; cwd: string; env: Record<string, string>; forceKillAfterDelay: false }>;

/**
 * `canary <args>` with the demo's settings, in its own process group (`detached`), as a
 * shell runs a foreground job: a signal sent to the group reaches the CLI and every helm it
 * started, as Ctrl-C in a terminal or a CI runner's SIGTERM does.
 */
export function canaryProcess(args: readonly string[], kubeconfig?: string): Running {
  const extra = kubeconfig ? ['--kubeconfig', kubeconfig] : [];
  return execa('node', [`${root}bin/canary.js`, ...withShortProbe(args), '--config', DEMO_CONFIG, ...extra], { reject: false, all: true, detached: true, cwd: root, env: { CI: 'true' }, forceKillAfterDelay: false });
}

export function upgradeArgs(bake: string, ...extra: string[]): string[] {
  return ['upgrade', '--from', FROM, '--to', TO, '--bake', bake, ...extra];
}

/** Sends `signal` to the CLI's whole process group (the CLI and the helm it runs). */
export function signalGroup(child: Running, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) process.kill(-child.pid, signal);
}

/** A fault proxy in front of the cluster's apiserver, and a kubeconfig that goes through it. */
export async function faultProxy(options: Omit<FaultProxyOptions, 'kubeconfig'> = {}): Promise<{ proxy: FaultProxy; kubeconfig: string }> {
  const proxy = await new FaultProxy({ kubeconfig: inject('kubeconfig'), ...options }).start();
  const kubeconfig = proxy.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'canary-proxy-')), 'kubeconfig'));
  return { proxy, kubeconfig };
}

export interface RetryLine {
  readonly what: string;
  readonly reason: string;
  readonly delayS: number;
  readonly attempt: number;
  readonly of: number;
}

/** The CLI's retry lines on stderr: `get HTTPRoute a/b: HTTP 429, retrying in 1.0s (attempt 2 of 5)`. */
export function retryLines(stderr: string): RetryLine[] {
  return [...stderr.matchAll(/^(.+): (HTTP \d{3}|[A-Z][A-Z_]+), retrying in (\d+\.\d)s \(attempt (\d+) of (\d+)\)$/gm)].map((m) => ({
    what: m[1] as string,
    reason: m[2] as string,
    delayS: Number(m[3]),
    attempt: Number(m[4]),
    of: Number(m[5]),
  }));
}

export interface WeightedBackend {
  readonly namespace: string;
  readonly service: string;
  readonly weight: number;
  /** Ready endpoints in the Service's EndpointSlices. */
  readonly ready: number;
}

/** Every backend of the route that gets traffic (weight > 0), with its Ready endpoints now. */
export async function weightedBackends(): Promise<WeightedBackend[]> {
  const r = await route();
  const refs = (r.spec.rules ?? []).flatMap((rule) => rule.backendRefs ?? []).filter((b) => (b.weight ?? 1) > 0);
  return Promise.all(
    refs.map(async (b) => {
      const namespace = b.namespace ?? r.metadata.namespace ?? '';
      const slices = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${b.name}` });
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready === true).length;
      return { namespace, service: b.name, weight: b.weight ?? 1, ready };
    }),
  );
}

/** Backends that get traffic without a Ready endpoint: must always be none. */
export async function unreadyBackends(): Promise<string[]> {
  return (await weightedBackends()).filter((b) => b.ready === 0).map((b) => `${b.namespace}/${b.service} (weight ${b.weight}, 0 Ready endpoints)`);
}

/**
 * Samples the route and its backends every `everyMs` until stopped, directly against the
 * cluster (not through a proxy), and keeps every moment traffic went to something not Ready.
 */
export class ReadinessWatch {
  readonly violations: string[] = [];
  samples = 0;
  private readonly stop = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  start(everyMs = 500): this {
    this.loop = (async () => {
      while (!this.stop.signal.aborted) {
        const bad = await unreadyBackends().catch(() => undefined);
        if (bad !== undefined) {
          this.samples++;
          for (const b of bad) this.violations.push(`${new Date().toISOString()} ${b}`);
        }
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    return this;
  }

  async finish(): Promise<{ samples: number; violations: string[] }> {
    this.stop.abort();
    await this.loop;
    return { samples: this.samples, violations: this.violations };
  }
}
