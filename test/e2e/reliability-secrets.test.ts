import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { kubeconfigDoc, type FaultProxy, type KubeconfigDoc } from '../support/fault-proxy.js';
import { canaryProcess, faultProxy, upgradeArgs } from './reliability-support.js';
import { FROM, TO } from './support.js';

/**
 * Issue 9, secrets: the kubeconfig's token, client key and certificate, and a password in
 * another of its users, never appear in anything the tool writes: stdout, stderr, every
 * report format, `status` and `doctor` output, the run record ConfigMap, the Lease, or the
 * Events on the route — for a promoted run, an aborted one, and one whose token is refused.
 * The proxy in front of the apiserver demands the token, so it really is the credential used.
 */
const token = `sekrit-token-${randomBytes(12).toString('hex')}`;
const wrongToken = `sekrit-wrong-${randomBytes(12).toString('hex')}`;
const password = `sekrit-password-${randomBytes(12).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'canary-secrets-'));

let proxy: FaultProxy;
let kubeconfig: string;
let refused: string;
let secrets: Record<string, string>;
const artefacts: { name: string; text: string }[] = [];
let unlock: () => void;

/** The current user gets the token (beside its client certificate); a second user holds a password. */
function withCredentials(bearer: string) {
  return (doc: KubeconfigDoc): KubeconfigDoc => {
    const user = doc.users[0] as KubeconfigDoc['users'][number];
    user.user['token'] = bearer;
    const cluster = doc.clusters[0]?.name ?? '';
    return { ...doc, users: [...doc.users, { name: 'break-glass', user: { username: 'admin', password } }], contexts: [...doc.contexts, { name: 'break-glass', context: { cluster, user: 'break-glass' } }] };
  };
}

/** A secret as it could leak: whole, or as any 32-character piece of its base64 or PEM body. */
function pieces(name: string, value: string): [string, string][] {
  const out: [string, string][] = [[name, value]];
  const pem = Buffer.from(value, 'base64').toString('utf8');
  const body = pem.includes('-----BEGIN') ? pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('') : '';
  for (const [label, text] of [[`${name} (base64)`, value], [`${name} (PEM body)`, body]] as const) {
    for (let i = 0; i + 32 <= text.length; i += 97) out.push([`${label} @${i}`, text.slice(i, i + 32)]);
  }
  return out;
}

beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
  ({ proxy, kubeconfig } = await faultProxy({ bearerToken: token }));
  proxy.writeKubeconfig(kubeconfig, withCredentials(token));
  refused = proxy.writeKubeconfig(join(dir, 'refused'), withCredentials(wrongToken));
  const user = kubeconfigDoc(inject('kubeconfig')).users[0]?.user ?? {};
  secrets = Object.fromEntries([
    ['token', token],
    ['refused token', wrongToken],
    ['password', password],
    ...pieces('client key', String(user['client-key-data'])),
    ...pieces('client certificate', String(user['client-certificate-data'])),
  ]);
}, 600_000);
afterAll(async () => {
  await proxy?.stop();
  unlock?.();
});

async function cli(name: string, args: readonly string[], config = kubeconfig): Promise<number> {
  const r = await canaryProcess(args, config);
  artefacts.push({ name: `${name}: stdout`, text: r.stdout }, { name: `${name}: stderr`, text: r.stderr });
  return r.exitCode ?? -1;
}

/** Every report format, to stdout and to a file, plus status and doctor in each output format. */
async function reportsOf(run: string): Promise<void> {
  for (const format of ['markdown', 'json', 'junit', 'html']) {
    expect(await cli(`${run} report ${format}`, ['report', '--format', format])).toBe(0);
    const file = join(dir, `${run}-report.${format}`);
    expect(await cli(`${run} report -o ${format}`, ['report', '--format', format, '-o', file])).toBe(0);
    artefacts.push({ name: `${run} report file ${format}`, text: readFileSync(file, 'utf8') });
  }
  for (const output of ['table', 'json', 'yaml']) await cli(`${run} status ${output}`, ['status', '-o', output]);
  await cli(`${run} doctor`, ['doctor', '--from', FROM, '--to', TO, '-o', 'json']);
}

/** What the run left in the cluster: run records, the Lease, and every Event near the route. */
async function clusterArtefacts(run: string): Promise<void> {
  const kubectl = (args: string[]) => execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args, '-o', 'json']).then((r) => r.stdout);
  artefacts.push({ name: `${run} run records`, text: await kubectl(['get', 'configmaps', '-n', 'istio-system', '-l', 'app.kubernetes.io/managed-by=ambient-canary']) });
  artefacts.push({ name: `${run} lease`, text: await kubectl(['get', 'leases', '-n', 'istio-system']) });
  for (const ns of ['istio-ingress', 'istio-system']) artefacts.push({ name: `${run} events in ${ns}`, text: await kubectl(['get', 'events.events.k8s.io', '-n', ns]) });
}

describe('Given a kubeconfig holding a token, a client key and certificate, and a password', () => {
  it('When an upgrade promotes, and reports are written, Then its artefacts are collected', async () => {
    expect(await cli('promoted upgrade', upgradeArgs('2s'))).toBe(0);
    await reportsOf('promoted');
    await clusterArtefacts('promoted');
  }, 600_000);

  it('When an upgrade aborts on an SLO breach, Then its artefacts are collected', async () => {
    await resetDemoState();
    expect(await cli('aborted upgrade', upgradeArgs('3s', '--values-dir', 'test/cluster/demo/faulty-later'))).toBe(3);
    await reportsOf('aborted');
    await clusterArtefacts('aborted');
  }, 600_000);

  it('When the cluster refuses the token, Then the refusal is collected', async () => {
    expect(await cli('refused upgrade', upgradeArgs('2s'), refused)).not.toBe(0);
    expect(await cli('refused status', ['status'], refused)).not.toBe(0);
    expect(artefacts.at(-1)?.text).toMatch(/401|rejected our credentials|Unauthorized/);
  }, 300_000);

  it('Then no artefact holds any of the secrets', () => {
    const leaks = artefacts.flatMap((a) => Object.entries(secrets).filter(([, s]) => a.text.includes(s)).map(([what]) => `${what} in ${a.name}`));
    console.info(`secrets: ${Object.keys(secrets).length} needles (token, refused token, password, pieces of key and certificate) over ${artefacts.length} artefacts, ${Math.round(artefacts.reduce((n, a) => n + a.text.length, 0) / 1024)} KiB; ${leaks.length} found`);
    expect(artefacts.length).toBeGreaterThan(40);
    expect(leaks).toEqual([]);
    // The needles are real: the kubeconfigs themselves hold every one given in their own form.
    const files = readFileSync(kubeconfig, 'utf8') + readFileSync(refused, 'utf8');
    expect(Object.entries(secrets).filter(([what, s]) => !what.includes('PEM body') && !files.includes(s))).toEqual([]);
  });
});
