// Data-plane pinning on the real apiserver with Istio's real charts (the demo's stable version,
// from the local chart repository): a stable ztunnel pinned by some other selector (so it would stay on a node relabelled for the canary), which doctor
// refuses, and `canary prepare` fixes after saying it restarts every stable ztunnel pod.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FROM, FROM_REV, TO, TO_REV } from '../../support/demo-versions.js';
import { clusterKubeconfig, kube, suffix } from '../kube/support.js';
import { installIstiod, installZtunnel } from './mesh.js';
import { canary, checkOf, doctor, helm, helmBinary, ownNamespace, ownNodes } from './support.js';

const { client } = kube();
const id = suffix();
const group = `preflight.ambient-canary.dev/group-${id}`;
const label = `preflight.ambient-canary.dev/rev-${id}`;
const istioNs = `pf-${id}-pin`;
const nodes = [`pf-${id}-x`, `pf-${id}-y`];
const cleanups: (() => Promise<void>)[] = [];

const flags = ['--kubeconfig', clusterKubeconfig(), '--helm', helmBinary(), '--chart-repo', inject('chartRepoUrl'), '--from', FROM, '--istio-namespace', istioNs, '--node-label', label];
const doctorFlags = [...flags, '--to', TO, '--state-namespace', istioNs, '--canary-nodes', nodes[1] as string];

const nodeLabels = async () => Promise.all(nodes.map(async (name) => (await client.core.readNode({ name })).metadata?.labels?.[label]));
const selector = async () => (await client.apps.readNamespacedDaemonSet({ name: `ztunnel-${FROM_REV}`, namespace: istioNs })).spec?.template.spec?.nodeSelector;

beforeAll(async () => {
  cleanups.push(...(await ownNodes(client, id, nodes, () => ({ [group]: 'yes' }))));
  cleanups.push(await ownNamespace(client, istioNs));
  await installIstiod(istioNs);
  await installZtunnel(istioNs, { [group]: 'yes' });
});

afterAll(async () => {
  for (const rel of [`ztunnel-${FROM_REV}`, `istiod-${FROM_REV}`]) await helm('uninstall', rel, '-n', istioNs, '--ignore-not-found').catch(() => undefined);
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('a stable ztunnel not pinned to its revision', () => {
  it('fails the pinning check, pointing to `canary prepare` with this mesh’s flags', async () => {
    const c = checkOf((await doctor(doctorFlags)).report, 'stable-ztunnel');
    expect(c.status).toBe('fail');
    expect(c.message).toBe(`ztunnel ztunnel-${FROM_REV} would still run on canary node(s) ${nodes[1]} after labelling them ${label}=${TO_REV}`);
    expect(c.fix).toContain(`canary prepare --from ${FROM} --istio-namespace ${istioNs} --node-label ${label}`);
    expect(c.fix).toContain('restarting every stable ztunnel pod (2 now)');
  });

  it('`canary prepare --dry-run` says it restarts every stable ztunnel pod, and changes nothing', async () => {
    const ran = await canary(['prepare', ...flags, '--dry-run']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`label 2 node(s): ${nodes.join(', ')}`);
    expect(ran.stdout).toContain('RESTARTS EVERY STABLE ZTUNNEL POD (2 now, one per node)');
    expect(ran.stdout).toContain('Dry run: nothing was changed.');
    expect(await nodeLabels()).toEqual([undefined, undefined]);
    expect(await selector()).not.toHaveProperty([label]);
  });

  it('asks first, and without a yes changes nothing', async () => {
    const ran = await canary(['prepare', ...flags], false);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('Not confirmed; nothing was changed. Pass --yes');
    expect(await nodeLabels()).toEqual([undefined, undefined]);
  });

  it('with --yes labels the nodes, pins the release there and waits for it, then has nothing left to do', async () => {
    const ran = await canary(['prepare', ...flags, '--yes']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(await nodeLabels()).toEqual([FROM_REV, FROM_REV]);
    expect(await selector()).toMatchObject({ [group]: 'yes', [label]: FROM_REV });
    const ds = await client.apps.readNamespacedDaemonSet({ name: `ztunnel-${FROM_REV}`, namespace: istioNs });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, numberReady: 2 });
    const again = await canary(['prepare', ...flags, '--yes']);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to do') });
  });

  it('then passes the pinning check', async () => {
    expect(checkOf((await doctor(doctorFlags)).report, 'stable-ztunnel')).toMatchObject({ status: 'pass', message: `ztunnel ztunnel-${FROM_REV} stays off nodes labelled ${label}=${TO_REV}` });
  });
});
