import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { doctorReport, doctorTable } from '../../../src/cli/commands/doctor.js';
import { InfraError, InputError, LockedError } from '../../../src/domain/errors.js';
import { accessKey } from '../../../src/mesh/access.js';
import type { Ports } from '../../../src/orchestrator/context.js';
import { checkCluster } from '../../../src/orchestrator/preflight.js';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { runUpgrade, setup, type Run } from './harness.js';

const never = new AbortController().signal;

function ports(cluster: FakeCluster, run: Run, change: (p: Ports) => Ports = (p) => p): Ports {
  return change(fakePorts(cluster, run.plan));
}

describe('checkCluster', () => {
  it('answers with one result when the cluster does not answer: what to fix first', async () => {
    const run = setup();
    const unreachable = (p: Ports): Ports => ({ ...p, reader: { ...p.reader, reviewAccess: async () => Promise.reject(new InfraError('cannot reach the cluster of context "prod" at https://10.0.0.1:6443 (ECONNREFUSED)', { fix: 'check that the cluster is running and that --context/--kubeconfig name the right one' })) } });
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, unreachable), never);
    expect(checked.facts).toBeUndefined();
    expect(checked.results).toEqual([{ id: 'cluster-reachable', group: 'access', status: 'fail', message: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining('--context/--kubeconfig') }]);
  });

  it('lists the missing permissions when a read is refused, instead of only the first 403', async () => {
    const run = setup();
    const refused = (p: Ports): Ports => ({
      ...p,
      reader: {
        ...p.reader,
        reviewAccess: async (reqs) => ({ context: 'dev', server: 'https://dev', answers: reqs.map((r) => ({ ...r, allowed: !(r.resource === 'pods' && r.verb === 'list') })) }),
        inspectMesh: async () => Promise.reject(new InfraError('forbidden: cannot list pods', { fix: 'grant list pods' })),
      },
    });
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, refused), never);
    expect(checked.results.map((r) => `${r.id}:${r.status}`)).toEqual(['cluster-reachable:pass', 'access:fail', 'cluster-read:fail', 'helm:pass', 'charts:pass', 'chart-values:pass']);
    expect(checked.results.find((r) => r.id === 'access')?.message).toMatch(/lacks 4 permission\(s\): cluster-wide: list pods; in bookinfo-1-29-6: list pods; in bookinfo-1-30-3: list pods; in istio-system: list pods \(used for: preflight.*helm --wait\)/);
  });

  it('asks helm for both charts with the plan’s chart arguments', async () => {
    const run = setup({ 'istio.chartRepo': 'oci://ghcr.io/istio/release/charts' });
    const shown: string[][] = [];
    const recording = (p: Ports): Ports => ({ ...p, helm: { ...p.helm, run: async (inv) => (shown.push([...inv.args]), { stdout: 'name: x\nversion: 1.30.3\n', stderr: '', durationMs: 1 }) } });
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, recording), never);
    expect(shown.slice(0, 2)).toEqual([
      ['show', 'chart', 'oci://ghcr.io/istio/release/charts/istiod', '--version', '1.30.3'],
      ['show', 'chart', 'oci://ghcr.io/istio/release/charts/ztunnel', '--version', '1.30.3'],
    ]);
    expect(checked.results.find((r) => r.id === 'charts')?.message).toBe('charts istiod and ztunnel 1.30.3 found in oci://ghcr.io/istio/release/charts');
  });

  it('then renders both installs with helm template, the istiod one as promote makes it, and reads a chart\'s refusal as bad input', async () => {
    const run = setup({ 'istio.chartRepo': 'oci://ghcr.io/istio/release/charts' });
    const shown: string[][] = [];
    const refusing = (p: Ports): Ports => ({
      ...p,
      helm: {
        ...p.helm,
        run: async (inv) => {
          shown.push([...inv.args]);
          if (inv.args[0] === 'template' && inv.args[1] === 'ztunnel-1-30-3') throw new InfraError('helm failed (exit 1): Error: execution error at (ztunnel/templates/zzz_profile.yaml:45:3): unknown platform gcp Use --debug flag to render out invalid YAML');
          return { stdout: 'version: 1.30.3\n', stderr: '', durationMs: 1 };
        },
      },
    });
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, refusing), never);
    const templates = shown.filter((a) => a[0] === 'template');
    expect(templates.map((a) => a.slice(0, 5))).toEqual([
      ['template', 'istiod-1-30-3', 'oci://ghcr.io/istio/release/charts/istiod', '--version', '1.30.3'],
      ['template', 'ztunnel-1-30-3', 'oci://ghcr.io/istio/release/charts/ztunnel', '--version', '1.30.3'],
    ]);
    expect(templates[0]).toEqual(expect.arrayContaining(['profile=ambient', 'revisionTags={default}']));
    expect(templates.flat()).not.toContain('--install');
    expect(checked.results.find((r) => r.id === 'chart-values')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^the ztunnel chart refuses the run's values: .*unknown platform gcp/),
      fix: expect.stringMatching(/ships no files\/profile-platform-gcp\.yaml: correct or remove that platform .*nothing was changed/),
    });
  });
});

/** The helm double, but `helm template` of istiod prints the real chart's roles (release-1.31). */
function rendersRoles(p: Ports): Ports {
  const roles = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../mesh/fixtures/istiod-1.31-roles.yaml'), 'utf8');
  return { ...p, helm: { ...p.helm, run: async (inv, signal) => (inv.args[0] === 'template' && inv.args[1]?.startsWith('istiod-') ? { stdout: roles, stderr: '', durationMs: 1 } : p.helm.run(inv, signal)) } };
}

/** Access reviews answered allowed but those whose accessKey is in `refused`; each batch recorded. */
function reviewing(refused: readonly string[], batches: string[][]) {
  return (p: Ports): Ports => ({
    ...p,
    reader: {
      ...p.reader,
      reviewAccess: async (reqs) => (batches.push(reqs.map(accessKey)), { context: 'ci', server: 'https://ci', answers: reqs.map((r) => ({ ...r, allowed: !refused.includes(accessKey(r)) })) }),
    },
  });
}

describe('checkCluster: may helm create the roles the charts render?', () => {
  it('asks escalate and bind first; a user who may both is asked no rule', async () => {
    const run = setup();
    const batches: string[][] = [];
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, (p) => reviewing([], batches)(rendersRoles(p))), never);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual(expect.arrayContaining(['escalate clusterroles.rbac.authorization.k8s.io', 'bind clusterroles.rbac.authorization.k8s.io/istiod-clusterrole-1-31-0-dev-istio-system', 'escalate roles.rbac.authorization.k8s.io -n istio-system']));
    expect(batches[1]).toHaveLength(6);
    expect(checked.results.find((r) => r.id === 'chart-roles')).toMatchObject({ status: 'pass', message: expect.stringContaining('by escalate and bind on ClusterRole istiod-clusterrole-1-31-0-dev-istio-system') });
  });

  it('then, without escalate, every rule of the rendered roles, and fails naming the ones the user lacks, before anything changes', async () => {
    const run = setup();
    const batches: string[][] = [];
    const refused = ['escalate clusterroles.rbac.authorization.k8s.io', 'escalate roles.rbac.authorization.k8s.io -n istio-system', 'watch secrets', 'patch leases.coordination.k8s.io -n istio-system', 'create gateways.networking.istio.io -n istio-system'];
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, (p) => reviewing(refused, batches)(rendersRoles(p))), never);
    expect(batches).toHaveLength(3);
    expect(batches[2]).toEqual(expect.arrayContaining(['watch secrets', 'get *.networking.istio.io', 'patch leases.coordination.k8s.io -n istio-system']));
    const result = checked.results.find((r) => r.id === 'chart-roles');
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(/lacks 3 of their rules: cluster-wide: watch secrets; in istio-system: create gateways\.networking\.istio\.io, patch leases\.coordination\.k8s\.io$/);
    expect(result?.fix).toMatch(/either grant those rules .* or grant cluster-wide: escalate clusterroles\.rbac\.authorization\.k8s\.io; in istio-system: escalate roles\.rbac\.authorization\.k8s\.io/);
  });

  it('a user holding every rule passes, though it may neither escalate nor bind', async () => {
    const run = setup();
    const refused = ['escalate clusterroles.rbac.authorization.k8s.io', 'escalate roles.rbac.authorization.k8s.io -n istio-system'];
    const checked = await checkCluster(run.config, run.plan, ports(stableCluster(), run, (p) => reviewing(refused, [])(rendersRoles(p))), never);
    expect(checked.results.find((r) => r.id === 'chart-roles')).toMatchObject({ status: 'pass', message: expect.stringContaining('holding every rule of ClusterRole istiod-clusterrole-1-31-0-dev-istio-system') });
  });
});

describe('canary upgrade stops in preflight, having changed nothing', () => {
  it('exits 2 when a chart is missing, saying which command shows it', async () => {
    const cluster = stableCluster();
    const run = setup();
    const missingChart = fakePorts(cluster, run.plan);
    const p: Ports = { ...missingChart, helm: { ...missingChart.helm, run: async (inv) => (inv.mutates ? missingChart.helm.run(inv, never) : Promise.reject(new InfraError('helm failed (exit 1): Error: chart "ztunnel" version "1.30.3" not found'))) } };
    const { upgrade } = await import('../../../src/orchestrator/upgrade.js');
    const error = await upgrade({ config: run.config, plan: run.plan, ports: p, signal: never, progress: 'silent' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).problems).toContainEqual({ path: 'preflight/charts', message: expect.stringMatching(/istiod, ztunnel not found.*helm show chart istiod --repo/) });
    expect(cluster.journal).toEqual([]);
  });

  it('exits 4 when the only thing in the way is a live run’s lock, naming its holder', async () => {
    const cluster = stableCluster();
    cluster.lease = { holder: 'ci-runner-7/pid-42', since: '2026-11-23T11:00:00Z' };
    const run = setup();
    const p = fakePorts(cluster, run.plan);
    const live = { ...p, reader: { ...p.reader, inspectMesh: async (q: Parameters<Ports['reader']['inspectMesh']>[0]) => ({ ...(await p.reader.inspectMesh(q, never)), lease: { namespace: 'istio-system', name: 'ambient-canary', holder: 'ci-runner-7/pid-42', acquiredAt: '2026-11-23T11:00:00Z', renewedAt: '2026-11-23T12:00:00Z', durationSeconds: 600 } }) } };
    const { upgrade } = await import('../../../src/orchestrator/upgrade.js');
    const error = await upgrade({ config: run.config, plan: run.plan, ports: live, signal: never, progress: 'silent' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(4);
    expect((error as LockedError).message).toMatch(/ci-runner-7\/pid-42.*2026-11-23T11:00:00Z/);
    expect((error as LockedError).fix).toMatch(/canary status.*nothing was changed/);
    expect(cluster.journal).toEqual([]);
  });

  it('exits 2, listing every problem, when the lock is held and something else is wrong too', async () => {
    const cluster = stableCluster();
    cluster.namespaces.set('legacy', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' });
    cluster.lease = { holder: 'other', since: '2026-11-23T12:00:00Z' };
    const run = setup();
    const p = fakePorts(cluster, run.plan);
    const live = { ...p, reader: { ...p.reader, inspectMesh: async (q: Parameters<Ports['reader']['inspectMesh']>[0]) => ({ ...(await p.reader.inspectMesh(q, never)), lease: { namespace: 'istio-system', name: 'ambient-canary', holder: 'other', acquiredAt: '2026-11-23T12:00:00Z', renewedAt: '2026-11-23T12:00:00Z', durationSeconds: 600 } }) } };
    const { upgrade } = await import('../../../src/orchestrator/upgrade.js');
    const error = (await upgrade({ config: run.config, plan: run.plan, ports: live, signal: never, progress: 'silent' }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.problems.map((x) => x.path)).toEqual(['preflight/namespace-modes', 'preflight/lock']);
    expect(cluster.journal).toEqual([]);
  });

  it('runs the same checks as doctor: a healthy fake mesh promotes', async () => {
    expect((await runUpgrade(stableCluster(), setup())).kind).toBe('promoted');
  });
});

describe('canary doctor report', () => {
  it('has a stable schema: every check with id, group, status, message and fix; groups summarised in phase order', async () => {
    const run = setup();
    const report = doctorReport(await checkCluster(run.config, run.plan, fakePorts(stableCluster(), run.plan), never));
    expect(Object.keys(report)).toEqual(['schemaVersion', 'ok', 'kubernetes', 'helm', 'canaryNodes', 'gatewayUrl', 'groups', 'checks']);
    expect(report).toMatchObject({ schemaVersion: 1, ok: true, kubernetes: 'v1.36.3', helm: 'v3.21.4', canaryNodes: ['node-3'], gatewayUrl: 'http://127.0.10.1:18080' });
    // The stable measured under load is the last phase, once every read-only check passed (issue 15).
    expect(report.groups.map((g) => g.group)).toEqual(['access', 'tools', 'versions', 'ambient', 'sidecars', 'pinning', 'topology', 'ownership', 'baseline']);
    expect(report.checks.at(-1)).toMatchObject({ id: 'stable-slo', group: 'baseline', status: 'pass' });
    for (const c of report.checks) expect(Object.keys(c)).toEqual(['id', 'group', 'status', 'message', 'fix']);
    expect(report.checks.every((c) => c.fix === null)).toBe(true);
  });

  it('prints one block per phase, the fix under each failure, and the verdict', async () => {
    const run = setup({ to: '1.31.0' });
    const report = doctorReport(await checkCluster(run.config, run.plan, fakePorts(stableCluster(), run.plan), never));
    const table = doctorTable(report);
    expect(report.ok).toBe(false);
    expect(report.groups.find((g) => g.group === 'versions')).toMatchObject({ status: 'fail', fail: 1 });
    expect(table).toMatch(/\nversions\n(.*\n)*  FAIL  version-gap +1\.31\.0 is 2 minor versions ahead.*\n +fix: upgrade in steps/);
    expect(table).toMatch(/1 check\(s\) failed: fix them before `canary upgrade`\.\n$/);
  });
});
