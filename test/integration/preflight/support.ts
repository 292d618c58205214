import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/run-cli.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { site } from '../../../src/kube/errors.js';
import { done, notYet, pollUntil } from '../../../src/kube/poll.js';
import { OWNED } from '../../../src/mesh/labels.js';
import { clusterKubeconfig, createFakeNode, createNamespace, never } from '../kube/support.js';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const execFileAsync = promisify(execFile);

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `canary ...args` in-process, from the repository root (where revisions/ and the demo's relative paths resolve), with no terminal. */
export async function canary(args: readonly string[], confirm = false): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { KUBECONFIG: clusterKubeconfig() },
    cwd: repoRoot,
    isTTY: false,
    pid: process.pid,
    confirm: async () => confirm,
  };
  const code = await runCli(args, io, { onInterrupt: () => () => undefined }, '0.0.0-it');
  return { code, stdout, stderr };
}

export interface DoctorJson {
  ok: boolean;
  checks: { id: string; group: string; status: 'pass' | 'warn' | 'fail'; message: string; fix: string | null }[];
}

export async function doctor(args: readonly string[]): Promise<{ code: number; report: DoctorJson; stderr: string }> {
  const ran = await canary(['doctor', ...args, '-o', 'json']);
  try {
    return { code: ran.code, report: JSON.parse(ran.stdout) as DoctorJson, stderr: ran.stderr };
  } catch {
    throw new Error(`doctor printed no JSON (exit ${ran.code}):\n${ran.stdout}\n${ran.stderr}`);
  }
}

export function checkOf(report: DoctorJson, id: string): DoctorJson['checks'][number] {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => `${c.id}:${c.status}`).join(', ')}`);
  return found;
}

export async function helm(...args: string[]): Promise<void> {
  await execFileAsync(inject('helm'), [...args, '--kubeconfig', clusterKubeconfig()]);
}

/** The helm binary built for the local cluster: doctor checks it like any other. */
export function helmBinary(): string {
  return inject('helm');
}

/** A fake executable printing `text` for any arguments (a helm that is too old, say). */
export function fakeExecutable(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
  const path = join(dir, 'helm');
  writeFileSync(path, `#!/bin/sh\necho '${text}'\n`, { mode: 0o755 });
  return path;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  return pollUntil(async () => {
    const v = await probe();
    return v === undefined ? notYet<T>(`waiting for ${what}`) : done(v);
  }, { timeoutMs, intervalMs: 250, signal: never });
}

/** Fake nodes of the test's own: linux (so istio-cni and ztunnel may land), tainted, labelled as a third revision for everyone else's runs. */
export async function ownNodes(client: KubeClient, id: string, names: string[], labels: (name: string) => Record<string, string>): Promise<(() => Promise<void>)[]> {
  const taint = { key: `preflight.ambient-canary.dev/${id}`, value: 'test', effect: 'NoSchedule' };
  return Promise.all(names.map((name) => createFakeNode(client, name, taint, { 'kubernetes.io/os': 'linux', 'istio.io/rev': `it-${id}`, ...labels(name) })));
}

export async function ownNamespace(client: KubeClient, name: string, labels: Record<string, string> = {}, owned = false): Promise<() => Promise<void>> {
  return createNamespace(client, name, owned, labels);
}

export async function createObject(client: KubeClient, obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>): Promise<void> {
  await client.call(site('create', obj.kind, obj.metadata.namespace, obj.metadata.name, obj.apiVersion), never, () => client.objects.create(obj));
}

export { OWNED };
