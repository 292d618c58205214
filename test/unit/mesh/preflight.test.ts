import { describe, expect, it } from 'vitest';
import type { ClusterFacts } from '../../../src/mesh/cluster-facts.js';
import { OWNED } from '../../../src/mesh/labels.js';
import { check, facts, istiod, ns, run, ztunnel } from '../../support/preflight-builders.js';

describe('preflightChecks on a healthy mesh', () => {
  it('passes every check, in the phases of a migration assistant, and picks the free node', () => {
    const { results, nodes } = run();
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => `${r.group}/${r.id}`)).toEqual([
      'access/cluster-reachable',
      'access/access',
      'tools/helm',
      'tools/charts',
      'tools/chart-values',
      'versions/target-values',
      'versions/version-gap',
      'versions/kubernetes',
      'versions/from-installed',
      'versions/stable-ztunnel-ready',
      'ambient/istio-cni',
      'ambient/cni-ambient',
      'ambient/ztunnel',
      'ambient/gateway-api',
      'ambient/istio-crds',
      'ambient/istiod-ambient',
      'sidecars/sidecars-hbone',
      'sidecars/namespace-modes',
      'sidecars/canary-injection',
      'sidecars/stable-sidecars',
      'pinning/stable-ztunnel',
      'topology/gateway',
      'topology/gateway-url',
      'topology/lock',
      'topology/stable-namespace',
      'topology/copy-faithful',
      'topology/route',
      'topology/route-resolved',
      'topology/canary-nodes',
      'ownership/canary-namespace',
      'ownership/canary-releases',
      'ownership/base-default-revision',
    ]);
    expect(nodes.nodes).toEqual(['node-3']);
  });

  it('passes a canary namespace of its own (a run in progress)', () => {
    const { results } = run(facts((f) => ({ ...f, namespaces: { ...f.namespaces, 'bookinfo-1-30-3': ns('bookinfo-1-30-3', { ...OWNED }) } })));
    expect(check(results, 'canary-namespace').status).toBe('pass');
  });
});

describe('preflightChecks: the checks that existed before doctor, each failing with its fix', () => {
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
    ['an unpinned stable ztunnel', 'stable-ztunnel', (f) => ({ ...f, ztunnels: [ztunnel({})] }), /runs on every node/, /canary prepare --from 1\.29\.6.*restarting every stable ztunnel pod \(2 now\).*asks first.*--yes/],
    ['a stable ztunnel pinned by something that still selects the canary node', 'stable-ztunnel', (f) => ({ ...f, ztunnels: [ztunnel({ 'kubernetes.io/os': 'linux' })] }), /would still run on canary node\(s\) node-3/, /canary prepare/],
    ['too few nodes', 'canary-nodes', (f) => ({ ...f, nodes: f.nodes.slice(0, 1) }), /needs 1 canary node\(s\) but only 0.*: add nodes, lower --node-count, or name nodes with --canary-nodes/, /./],
    ['a Gateway without an address', 'gateway-url', (f) => ({ ...f, gateway: { ...(f.gateway as NonNullable<ClusterFacts['gateway']>), status: {} } }), /has no address in its status yet/, /--gateway-url/],
  ];

  it.each(cases)('%s fails %s', (_what, id, change, message, fix, values) => {
    const result = check(run(facts(change), values).results, id);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(message);
    expect(result.fix).toMatch(fix);
  });

  it('names the prepare flags that differ from the defaults', () => {
    const result = check(run(facts((f) => ({ ...f, ztunnels: [ztunnel({}, { namespace: 'mesh' })] })), { 'istio.namespace': 'mesh', 'nodes.label': 'example.com/rev' }).results, 'stable-ztunnel');
    expect(result.fix).toContain('canary prepare --from 1.29.6 --istio-namespace mesh --node-label example.com/rev');
  });

  it('finds the stable ztunnel by its revision (label or annotation) when the release name differs', () => {
    const { results } = run(facts((f) => ({ ...f, ztunnels: [ztunnel({ 'istio.io/rev': '1-29-6' }, { name: 'ztunnel', release: 'ztunnel' })] })));
    expect(check(results, 'stable-ztunnel').status).toBe('pass');
  });

  it('accepts a stable ztunnel kept off canary nodes by node affinity', () => {
    const affinity = [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'NotIn' as const, values: ['1-30-3'] }] }];
    const { results } = run(facts((f) => ({ ...f, ztunnels: [ztunnel({}, { requiredAffinity: affinity })] })));
    expect(check(results, 'stable-ztunnel').status).toBe('pass');
  });

  it('warns, without failing, when a canary node is taken from the stable revision', () => {
    const result = check(run(facts((f) => ({ ...f, nodes: f.nodes.slice(0, 2) }))).results, 'canary-nodes');
    expect(result).toMatchObject({ status: 'warn', message: expect.stringContaining('node-1 taken from the stable revision'), fix: expect.stringContaining('add free nodes') });
  });
});

describe('preflightChecks when resuming after the steps (promote may have begun)', () => {
  const gone = (f: ClusterFacts): ClusterFacts => ({ ...f, istiods: [], ztunnels: [ztunnel({ 'istio.io/rev': '1-30-3' }, { name: 'ztunnel-1-30-3', release: 'ztunnel-1-30-3', revision: '1-30-3' })], namespaces: { 'istio-system': ns('istio-system') } });

  it('no longer requires the stable revision, which promote removes on purpose', () => {
    const { results } = run(facts(gone), {}, 'steps');
    const ids = results.map((r) => r.id);
    for (const stableOnly of ['from-installed', 'stable-ztunnel-ready', 'istiod-ambient', 'stable-namespace', 'stable-ztunnel', 'canary-nodes', 'sidecars-hbone', 'canary-injection', 'stable-sidecars']) expect(ids).not.toContain(stableOnly);
    expect(ids).toContain('route');
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
  });

  it('still needs the route, and says how to recover it', () => {
    const result = check(run(facts((f) => ({ ...f, route: undefined })), {}, 'promote').results, 'route');
    expect(result).toMatchObject({ status: 'fail', fix: expect.stringMatching(/recreate it.*canary promote/) });
  });
});
