import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunRecord } from '../../src/domain/run-record.js';
import type { ObservedRun } from '../../src/report/observed.js';
import { backends, CANARY_NS, DEMO_CONFIG, FROM, FROM_REV, root, route, STABLE_NS, TO, TO_REV, withShortProbe } from './support.js';
export { seeded } from '../support/seeded.js';

/** Helpers of the runs-*.test.ts files: runs that outlive a process, driven as CI would. */

export const RUN_ID = `${FROM_REV}-to-${TO_REV}`;
export { CANARY_NS };

export interface Cli {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly all: string;
}

type Running = ResultPromise<{ reject: false; all: true; detached: true; cwd: string; env: Record<string, string> }>;

/**
 * `canary <args>` as its own process group (`detached`), so a test can SIGKILL it with the
 * helm it started, as a cancelled CI job is. `kubeconfig` runs it as another identity.
 */
export function start(args: readonly string[], options: { kubeconfig?: string; env?: Record<string, string> } = {}): Running {
  const extra = options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : [];
  return execa('node', [`${root}bin/canary.js`, ...withShortProbe(args), '--config', DEMO_CONFIG, ...extra], { reject: false, all: true, detached: true, cwd: root, env: { CI: 'true', ...options.env } });
}

export async function run(args: readonly string[], options: Parameters<typeof start>[1] = {}): Promise<Cli> {
  const r = await start(args, options);
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, all: r.all ?? '' };
}

/** SIGKILL to the whole process group: no handler runs, nothing is cleaned up. */
export function killGroup(child: Running): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Short runs: 1-2 s bakes at 10, 50, 100 (the demo's canary.yaml gives the rest). */
export function upgrade(...extra: string[]): string[] {
  return ['upgrade', '--from', FROM, '--to', TO, '--bake', '2s', '--weights', '10,50,100', ...extra];
}

export type Status = RunRecord & { readonly observed: ObservedRun | { readonly error: string } };

export async function status(format: 'json' | 'yaml' = 'json'): Promise<Status> {
  const r = await run(['status', '-o', format]);
  if (r.exitCode !== 0) throw new Error(`canary status exited ${r.exitCode}: ${r.stderr}`);
  return (format === 'json' ? JSON.parse(r.stdout) : parseYaml(r.stdout)) as Status;
}

export async function kubectl(args: readonly string[], kubeconfig = inject('kubeconfig')): Promise<Cli> {
  const r = await execa(inject('kubectl'), ['--kubeconfig', kubeconfig, ...args], { reject: false, all: true });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, all: r.all ?? '' };
}

/** The canary's share of the route's first rule, read from the HTTPRoute itself. */
export async function routeCanaryWeight(): Promise<number> {
  const first = backends(await route())[0] ?? [];
  const canary = first.find(([ns]) => ns === CANARY_NS)?.[1] ?? 0;
  const stable = first.find(([ns]) => ns === STABLE_NS)?.[1] ?? 0;
  return canary + stable === 0 ? 0 : Math.round((100 * canary) / (canary + stable));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every Helm release in istio-system whatever its status: a killed helm leaves `pending-install`, which `helm list` hides. */
export async function allReleases(): Promise<string[]> {
  const { stdout } = await execa(inject('helm'), ['list', '-n', 'istio-system', '--all', '-q', '--kubeconfig', inject('kubeconfig')]);
  return stdout.split('\n').filter(Boolean).sort();
}
