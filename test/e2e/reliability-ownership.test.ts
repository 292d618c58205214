import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { auditMark, auditSince, describeEvent, fromProduct, isMutating, settleAudit } from '../support/audit-log.js';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, STABLE_RULES, TO_REV, backends, core, namespaceExists, releases, route } from './support.js';
import { canaryProcess, upgradeArgs } from './reliability-support.js';
import { re } from '../support/literal-regexp.js';

/**
 * Issue 9, ownership: look-alikes of what ambient-canary creates — named as it names them,
 * but without its label `app.kubernetes.io/managed-by: ambient-canary` — are refused in
 * preflight, left alone by a revert and by a promote, each time with the reason said.
 */
const CANARY_NS = `bookinfo-${TO_REV}`;
const MANAGED_BY = 'app.kubernetes.io/managed-by';

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 300_000);

function helm(args: readonly string[]) {
  return execa(inject('helm'), [...args, '--kubeconfig', inject('kubeconfig')]);
}

function kubectl(args: readonly string[]) {
  return execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args]);
}

/** A one-ConfigMap chart: the release's name is what looks like ours, not its content. */
function tinyChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-lookalike-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: lookalike\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-lookalike\ndata:\n  owner: someone-else\n');
  return dir;
}

/** Drops our label from a namespace and from a Helm release's storage Secret (where `helm --labels` put it). */
async function disown(namespace: string | undefined, release: string | undefined): Promise<void> {
  if (namespace) await kubectl(['label', 'namespace', namespace, `${MANAGED_BY}-`]);
  if (release) await kubectl(['label', 'secret', '-n', 'istio-system', '-l', `owner=helm,name=${release}`, `${MANAGED_BY}-`]);
}

async function resourceVersion(kind: 'namespace' | 'secret', name: string): Promise<string> {
  const args = kind === 'namespace' ? ['get', 'namespace', name] : ['get', 'secret', '-n', 'istio-system', name];
  return (await kubectl([...args, '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
}

describe('Given a namespace and a Helm release named like the canary\'s, not created by ambient-canary', () => {
  it('When `canary upgrade` runs, Then preflight refuses both, says why, and neither is touched', async () => {
    await core.createNamespace({ body: { metadata: { name: CANARY_NS, labels: { team: 'payments' } } } });
    await helm(['install', `istiod-${TO_REV}`, tinyChart(), '-n', 'istio-system']);
    const before = [await resourceVersion('namespace', CANARY_NS), await resourceVersion('secret', `sh.helm.release.v1.istiod-${TO_REV}.v1`)];
    const mark = auditMark(inject('auditLog'));

    const r = await canaryProcess(upgradeArgs('2s'));
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(re`preflight\/canary-namespace: namespace bookinfo-${TO_REV} exists and was not created by ambient-canary; .*never takes over objects it did not create`);
    expect(r.stderr).toMatch(re`preflight\/canary-releases: Helm release\(s\) istiod-${TO_REV} exist and were not installed by ambient-canary; .*never takes over releases it did not install`);

    await settleAudit();
    const touched = auditSince(inject('auditLog'), mark).filter((e) => fromProduct(e) && isMutating(e) && (e.objectRef?.name === CANARY_NS || e.objectRef?.namespace === CANARY_NS || (e.objectRef?.name ?? '').includes(`istiod-${TO_REV}`)));
    expect(touched.map(describeEvent)).toEqual([]);
    expect([await resourceVersion('namespace', CANARY_NS), await resourceVersion('secret', `sh.helm.release.v1.istiod-${TO_REV}.v1`)]).toEqual(before);
  }, 300_000);
});

describe('Given a run paused at 10% whose canary namespace and istiod release lost our label', () => {
  it('When `canary abort` reverts it, Then traffic goes back to stable and both are left in place with a note', async () => {
    const started = await canaryProcess(upgradeArgs('2s', '--until', '10'));
    expect(started.exitCode, started.all).toBe(0);
    await disown(CANARY_NS, `istiod-${TO_REV}`);

    const r = await canaryProcess(['abort']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(re`namespace bookinfo-${TO_REV} was not created by ambient-canary: left as it is`);
    expect(r.all).toMatch(re`Helm release istiod-${TO_REV} was not installed by ambient-canary: left as it is`);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(CANARY_NS)).toBe(true);
    expect(await releases()).toContain(`istiod-${TO_REV}`);
    // What still carried our label went: the canary's ztunnel release.
    expect(await releases()).not.toContain(`ztunnel-${TO_REV}`);
  }, 300_000);
});

describe('Given a stable namespace and stable releases that ambient-canary did not install', () => {
  it('When `canary upgrade` promotes, Then they are left in place, each with the command to remove it', async () => {
    await disown(`bookinfo-${FROM_REV}`, `istiod-${FROM_REV}`);
    await disown(undefined, `ztunnel-${FROM_REV}`);

    const r = await canaryProcess(upgradeArgs('2s'));
    expect(r.exitCode, r.all).toBe(0);
    expect(backends(await route())).toEqual([[[CANARY_NS, 1]], [[CANARY_NS, 1]]]);
    expect(r.all).toMatch(re`namespace bookinfo-${FROM_REV} was not created by ambient-canary: left in place \(delete it yourself once you are satisfied: kubectl delete namespace bookinfo-${FROM_REV}\)`);
    expect(r.all).toMatch(re`Helm release istiod-${FROM_REV} was not installed by ambient-canary: left in place \(remove it yourself: .*helm uninstall istiod-${FROM_REV}`);
    expect(r.all).toMatch(re`Helm release ztunnel-${FROM_REV} was not installed by ambient-canary: left in place`);
    expect(r.all).toMatch(/default revision tag not moved/);
    expect(await namespaceExists(`bookinfo-${FROM_REV}`)).toBe(true);
    expect(await releases()).toEqual(expect.arrayContaining([`istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`, `istiod-${TO_REV}`, `ztunnel-${TO_REV}`]));
  }, 300_000);
});
