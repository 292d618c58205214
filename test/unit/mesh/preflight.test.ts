import { describe, expect, it } from 'vitest';
import type { Phase } from '../../../src/domain/phase.js';
import type { ClusterFacts, DaemonSetFacts, DeploymentFacts, NamespaceFacts } from '../../../src/mesh/cluster-facts.js';
import type { CheckResult } from '../../../src/mesh/checks.js';
import { OWNED } from '../../../src/mesh/labels.js';
import { preflightChecks } from '../../../src/mesh/preflight.js';
import { config, plan, userRoute } from '../../support/scenario.js';

const ns = (name: string, labels: Record<string, string> = {}, terminating = false): NamespaceFacts => ({ name, labels, terminating });

function istiod(rev: string, readyReplicas = 1): DeploymentFacts {
  return { namespace: 'istio-system', name: `istiod-${rev}`, labels: { app: 'istiod', 'istio.io/rev': rev }, replicas: 1, readyReplicas, env: { PILOT_ENABLE_AMBIENT: 'true' } };
}

function ztunnel(nodeSelector: Record<string, string>, extra: Partial<DaemonSetFacts> = {}): DaemonSetFacts {
  return { namespace: 'istio-system', name: 'ztunnel-1-29-6', labels: { app: 'ztunnel', 'istio.io/rev': '1-29-6' }, nodeSelector, requiredAffinity: undefined, desired: 2, ready: 2, updated: 2, release: 'ztunnel-1-29-6', ...extra };
}

/** A healthy 1.29.6 mesh with the stable ztunnel pinned, two stable nodes and one free node. */
function healthy(): ClusterFacts {
  const node = (name: string, labels: Record<string, string>) => ({ name, labels, taints: [], unschedulable: false, ready: true });
  return {
    serverVersion: 'v1.36.3',
    nodes: [node('node-1', { 'istio.io/rev': '1-29-6' }), node('node-2', { 'istio.io/rev': '1-29-6' }), node('node-3', {})],
    namespaces: { 'istio-system': ns('istio-system'), 'istio-ingress': ns('istio-ingress'), 'bookinfo-1-29-6': ns('bookinfo-1-29-6') },
    istiods: [istiod('1-29-6')],
    ztunnels: [ztunnel({ 'istio.io/rev': '1-29-6' })],
    cni: undefined,
    crds: [],
    route: userRoute(),
    gateway: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'istio-ingress' } },
    releases: [
      { name: 'istiod-1-29-6', namespace: 'istio-system', owned: true, status: 'deployed' },
      { name: 'ztunnel-1-29-6', namespace: 'istio-system', owned: true, status: 'deployed' },
    ],
  };
}

function run(change: (f: ClusterFacts) => ClusterFacts = (f) => f, values: Record<string, unknown> = {}, resumedAfter?: Phase) {
  const c = config(values);
  return preflightChecks({ config: c, facts: change(healthy()), route: plan(c).route.context, resumedAfter });
}

function check(results: CheckResult[], id: string): CheckResult {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no check ${id} among ${results.map((r) => r.id).join(', ')}`);
  return found;
}

describe('preflightChecks on a healthy mesh', () => {
  it('passes every check and picks the free node', () => {
    const { results, nodes } = run();
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(['target-values', 'canary-namespace', 'gateway', 'canary-releases', 'from-installed', 'stable-namespace', 'route', 'stable-ztunnel', 'canary-nodes']);
    expect(nodes.nodes).toEqual(['node-3']);
  });

  it('passes a canary namespace of its own (a run in progress)', () => {
    const { results } = run((f) => ({ ...f, namespaces: { ...f.namespaces, 'bookinfo-1-30-3': ns('bookinfo-1-30-3', { ...OWNED }) } }));
    expect(check(results, 'canary-namespace').status).toBe('pass');
  });
});

describe('preflightChecks: each check fails with the fix in its message', () => {
  const cases: Array<[string, string, (f: ClusterFacts) => ClusterFacts, RegExp, RegExp, Record<string, unknown>?]> = [
    ['an old target', 'target-values', (f) => f, /charts lack istiod\.trustedZtunnelName/, /Istio 1\.26 or newer/, { from: '1.25.0', to: '1.25.2' }],
    ['a foreign canary namespace', 'canary-namespace', (f) => ({ ...f, namespaces: { ...f.namespaces, 'bookinfo-1-30-3': ns('bookinfo-1-30-3') } }), /was not created by ambient-canary/, /--canary-namespace/],
    ['a canary namespace still being deleted', 'canary-namespace', (f) => ({ ...f, namespaces: { ...f.namespaces, 'bookinfo-1-30-3': ns('bookinfo-1-30-3', { ...OWNED }, true) } }), /still being deleted/, /wait until it is gone/],
    ['a missing Gateway', 'gateway', (f) => ({ ...f, gateway: undefined }), /Gateway istio-ingress\/ingress does not exist/, /--gateway namespace\/name/],
    ['a canary release someone else installed', 'canary-releases', (f) => ({ ...f, releases: [...f.releases, { name: 'istiod-1-30-3', namespace: 'istio-system', owned: false, status: 'deployed' }] }), /istiod-1-30-3 exist and were not installed by ambient-canary/, /uninstall them yourself/],
    ['no stable istiod', 'from-installed', (f) => ({ ...f, istiods: [istiod('1-28-0')] }), /revision 1-29-6 is not installed/, /check --from \(installed revisions: 1-28-0\)/],
    ['no istiod at all', 'from-installed', (f) => ({ ...f, istiods: [] }), /not installed/, /installed revisions: none/],
    ['a stable istiod with no Ready replica', 'from-installed', (f) => ({ ...f, istiods: [istiod('1-29-6', 0)] }), /no Ready replica/, /kubectl -n istio-system describe deployment istiod-1-29-6/],
    ['a missing stable namespace', 'stable-namespace', (f) => ({ ...f, namespaces: { 'istio-system': ns('istio-system') } }), /bookinfo-1-29-6 does not exist/, /--stable-namespace/],
    ['a missing route', 'route', (f) => ({ ...f, route: undefined }), /HTTPRoute istio-ingress\/bookinfo does not exist/, /--route namespace\/name/],
    ['a route that does not reach the stable namespace', 'route', (f) => f, /no backendRef into namespace shop/, /--stable-namespace/, { 'app.stableNamespace': 'shop' }],
    ['no stable ztunnel', 'stable-ztunnel', (f) => ({ ...f, ztunnels: [] }), /no ztunnel DaemonSet of revision 1-29-6/, /--stable-ztunnel-release \(looked for ztunnel-1-29-6\)/],
    ['an unpinned stable ztunnel', 'stable-ztunnel', (f) => ({ ...f, ztunnels: [ztunnel({})] }), /runs on every node/, /canary prepare --from 1\.29\.6/],
    ['a stable ztunnel pinned by something that still selects the canary node', 'stable-ztunnel', (f) => ({ ...f, ztunnels: [ztunnel({ 'kubernetes.io/os': 'linux' })], nodes: f.nodes.map((n) => ({ ...n, labels: { ...n.labels, 'kubernetes.io/os': 'linux' } })) }), /would still run on canary node\(s\) node-3/, /canary prepare/],
    ['too few nodes', 'canary-nodes', (f) => ({ ...f, nodes: f.nodes.slice(0, 1) }), /needs 1 canary node\(s\) but only 0.*: add nodes, lower --node-count, or name nodes with --canary-nodes/, /./],
  ];

  it.each(cases)('%s fails %s', (_what, id, change, message, fix, values) => {
    const result = check(run(change, values).results, id);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(message);
    expect(result.fix).toMatch(fix);
  });

  it('finds the stable ztunnel by its revision label when the release name differs', () => {
    const { results } = run((f) => ({ ...f, ztunnels: [ztunnel({ 'istio.io/rev': '1-29-6' }, { name: 'ztunnel', release: 'ztunnel' })] }));
    expect(check(results, 'stable-ztunnel').status).toBe('pass');
  });

  it('accepts a stable ztunnel kept off canary nodes by node affinity', () => {
    const affinity = [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'NotIn' as const, values: ['1-30-3'] }] }];
    const { results } = run((f) => ({ ...f, ztunnels: [ztunnel({}, { requiredAffinity: affinity })] }));
    expect(check(results, 'stable-ztunnel').status).toBe('pass');
  });

  it('warns, without failing, when a canary node is taken from the stable revision', () => {
    const result = check(run((f) => ({ ...f, nodes: f.nodes.slice(0, 2) })).results, 'canary-nodes');
    expect(result).toMatchObject({ status: 'warn', message: expect.stringContaining('node-1 taken from the stable revision'), fix: expect.stringContaining('add free nodes') });
  });
});

describe('preflightChecks when resuming after the steps (promote may have begun)', () => {
  it('no longer requires the stable revision, which promote removes on purpose', () => {
    const gone = (f: ClusterFacts): ClusterFacts => ({ ...f, istiods: [], ztunnels: [], namespaces: { 'istio-system': ns('istio-system') } });
    const { results } = run(gone, {}, 'steps');
    expect(results.map((r) => r.id)).toEqual(['target-values', 'canary-namespace', 'gateway', 'canary-releases', 'route']);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
  });

  it('still needs the route, and says how to recover it', () => {
    const result = check(run((f) => ({ ...f, route: undefined }), {}, 'promote').results, 'route');
    expect(result).toMatchObject({ status: 'fail', fix: expect.stringMatching(/recreate it.*canary promote/) });
  });
});
