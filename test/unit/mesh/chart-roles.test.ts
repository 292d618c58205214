import { describe, expect, it } from 'vitest';
import { accessKey, type AccessAnswer, type AccessRequirement } from '../../../src/mesh/access.js';
import { escalationRequirements, judgeRoles, renderedRoles, ruleRequirements, rulesToReview, type ChartRole } from '../../../src/mesh/chart-roles.js';
import { chartRolesCheck } from '../../../src/mesh/preflight/chart-roles.js';
import { rendered, text } from './fixtures/load.js';

const FIXTURES = [
  ['istiod-1.30-roles.yaml', '1-30-4-dev'],
  ['istiod-1.31-roles.yaml', '1-31-0-dev'],
] as const;

const role = (kind: ChartRole['kind'], name: string, rules: ChartRole['rules']): ChartRole => ({ kind, name, namespace: kind === 'Role' ? 'istio-system' : undefined, rules });
const reader = role('ClusterRole', 'reader', [{ apiGroups: [''], resources: ['secrets', 'pods'], verbs: ['get', 'watch'] }]);
const leases = role('Role', 'istiod', [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['patch'] }]);

/** Answers as an authorizer gives them: allowed unless the key is in `refused`. */
function answer(requirements: readonly AccessRequirement[], refused: readonly string[]): AccessAnswer[] {
  return requirements.map((r) => ({ ...r, allowed: !refused.includes(accessKey(r)) }));
}
const everything = (roles: readonly ChartRole[]): AccessRequirement[] => [...roles.flatMap(escalationRequirements), ...roles.flatMap(ruleRequirements)];

describe.each(FIXTURES)('renderedRoles of the real istiod chart (%s)', (file, rev) => {
  const roles = renderedRoles(text(file), 'istio-system');

  it('finds its three ClusterRoles and its Role, in the Istio namespace', () => {
    expect(roles.map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name}`)).toEqual([
      `ClusterRole /istiod-clusterrole-${rev}-istio-system`,
      `ClusterRole /istiod-gateway-controller-${rev}-istio-system`,
      `ClusterRole /istio-reader-clusterrole-${rev}-istio-system`,
      `Role istio-system/istiod-${rev}`,
    ]);
  });

  it('every binding it renders refers to one of those roles: holding their rules is enough to bind them too', () => {
    const bindings = rendered(file).filter((d) => d['kind'] === 'ClusterRoleBinding' || d['kind'] === 'RoleBinding') as { roleRef: { kind: string; name: string } }[];
    expect(bindings).toHaveLength(4);
    for (const b of bindings) expect(roles.some((r) => r.kind === b.roleRef.kind && r.name === b.roleRef.name), b.roleRef.name).toBe(true);
  });

  it('breaks its rules down as Kubernetes compares them: the ones the apiserver refused to the CI identity among them', () => {
    const keys = roles.flatMap(ruleRequirements).map(accessKey);
    expect(keys).toEqual(expect.arrayContaining(['watch secrets', 'patch leases.coordination.k8s.io -n istio-system', 'create gateways.networking.istio.io -n istio-system']));
    expect(keys).toEqual(expect.arrayContaining(['get *.networking.istio.io', '* ingresses/status.networking.k8s.io', 'delete horizontalpodautoscalers.autoscaling']));
  });
});

describe('renderedRoles', () => {
  it('puts a Role without a namespace in the release namespace, and ignores other kinds and a null rules list', () => {
    const manifest = 'kind: Role\nmetadata: { name: r }\nrules: null\n---\nkind: ConfigMap\nmetadata: { name: c }\n---\n';
    expect(renderedRoles(manifest, 'mesh')).toEqual([{ kind: 'Role', name: 'r', namespace: 'mesh', rules: [] }]);
  });

  it('reads nothing from output that is not YAML', () => {
    expect(renderedRoles('Error: [', 'istio-system')).toEqual([]);
  });
});

describe('escalationRequirements', () => {
  it('asks escalate with no name (a create names no object) and bind on the role itself, in its scope', () => {
    expect([...escalationRequirements(reader), ...escalationRequirements(leases)].map(accessKey)).toEqual([
      'escalate clusterroles.rbac.authorization.k8s.io',
      'bind clusterroles.rbac.authorization.k8s.io/reader',
      'escalate roles.rbac.authorization.k8s.io -n istio-system',
      'bind roles.rbac.authorization.k8s.io/istiod -n istio-system',
    ]);
  });
});

describe('ruleRequirements', () => {
  it('one per verb, group, resource and name, subresources split, wildcards as rendered', () => {
    const r = role('ClusterRole', 'x', [
      { apiGroups: ['apps', ''], resources: ['deployments/scale'], verbs: ['get', '*'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['list'], resourceNames: ['a', 'b'] },
    ]);
    expect(ruleRequirements(r).map(accessKey)).toEqual([
      'get deployments/scale.apps',
      '* deployments/scale.apps',
      'get deployments/scale',
      '* deployments/scale',
      'list *.*/a',
      'list *.*/b',
    ]);
  });

  it('a Role\'s rules in its namespace; non-resource URLs by path', () => {
    expect(ruleRequirements(leases).map(accessKey)).toEqual(['patch leases.coordination.k8s.io -n istio-system']);
    expect(ruleRequirements(role('ClusterRole', 'm', [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]))).toEqual([{ verb: 'get', group: '', resource: '', path: '/metrics', why: 'create ClusterRole m: hold its rules' }]);
  });
});

describe('judgeRoles: holding every rule, or escalate and bind, each way enough alone', () => {
  const cases: Array<[string, string[], 'rules' | 'escalate' | undefined]> = [
    ['everything', [], 'rules'],
    ['the rules, no escalate, no bind', ['escalate clusterroles.rbac.authorization.k8s.io', 'bind clusterroles.rbac.authorization.k8s.io/reader'], 'rules'],
    ['the rules and bind, no escalate', ['escalate clusterroles.rbac.authorization.k8s.io'], 'rules'],
    ['escalate and bind, not one rule', ['get secrets', 'watch secrets', 'get pods', 'watch pods'], 'escalate'],
    ['escalate and bind, one rule short', ['watch secrets'], 'escalate'],
    ['escalate without bind, one rule short', ['watch secrets', 'bind clusterroles.rbac.authorization.k8s.io/reader'], undefined],
    ['bind without escalate, one rule short', ['watch secrets', 'escalate clusterroles.rbac.authorization.k8s.io'], undefined],
    ['nothing', [...everything([reader]).map(accessKey)], undefined],
  ];
  it.each(cases)('%s', (_name, refused, way) => {
    const [verdict] = judgeRoles([reader], answer(everything([reader]), refused));
    expect(verdict?.way).toBe(way);
    if (way === undefined) expect(verdict?.missingRules.map(accessKey)).toEqual(refused.filter((k) => !k.includes('rbac.authorization.k8s.io')));
  });

  it('a rule never reviewed is not held', () => {
    const [verdict] = judgeRoles([reader], answer(escalationRequirements(reader), ['escalate clusterroles.rbac.authorization.k8s.io']));
    expect(verdict?.way).toBeUndefined();
    expect(verdict?.missingRules.map((a) => a.reason)).toEqual(['not reviewed', 'not reviewed', 'not reviewed', 'not reviewed']);
  });
});

describe('rulesToReview', () => {
  it('asks nothing more of a user who may escalate and bind on every role', () => {
    expect(rulesToReview([reader, leases], answer([reader, leases].flatMap(escalationRequirements), []))).toEqual([]);
  });

  it('asks the rules of each role the user may not create by escalate and bind, each once', () => {
    const first = answer([reader, leases].flatMap(escalationRequirements), ['escalate roles.rbac.authorization.k8s.io -n istio-system']);
    expect(rulesToReview([reader, leases, leases], first).map(accessKey)).toEqual(['patch leases.coordination.k8s.io -n istio-system']);
  });
});

describe('chartRolesCheck', () => {
  const facts = (roles: ChartRole[], refused: string[]) => ({ chartRoles: { context: 'ci', roles, answers: answer(everything(roles), refused) } });

  it('checks nothing when no role was rendered', () => {
    expect(chartRolesCheck({ chartRoles: undefined })).toBeUndefined();
    expect(chartRolesCheck({ chartRoles: { context: 'ci', roles: [], answers: [] } })).toBeUndefined();
  });

  it('passes, saying how: holding the rules or by escalate and bind', () => {
    const result = chartRolesCheck(facts([reader, leases], ['escalate clusterroles.rbac.authorization.k8s.io', 'patch leases.coordination.k8s.io -n istio-system']));
    expect(result).toEqual({
      id: 'chart-roles',
      group: 'access',
      status: 'pass',
      message: 'the user of context "ci" may create and bind the 2 roles the charts render: holding every rule of ClusterRole reader; by escalate and bind on Role istio-system/istiod',
    });
  });

  it('fails naming every missing rule and both ways to fix it', () => {
    const refused = ['escalate clusterroles.rbac.authorization.k8s.io', 'escalate roles.rbac.authorization.k8s.io -n istio-system', 'watch secrets', 'patch leases.coordination.k8s.io -n istio-system'];
    const result = chartRolesCheck(facts([reader, leases], refused));
    expect(result?.status).toBe('fail');
    expect(result?.message).toBe(
      'the user of context "ci" may not create ClusterRole reader, Role istio-system/istiod, rendered by the charts: Kubernetes lets a user create a role only if it holds every rule ' +
        'the role grants, or may escalate on clusterroles/roles with no resourceNames (a create names no object); it lacks 2 of their rules: cluster-wide: watch secrets; ' +
        'in istio-system: patch leases.coordination.k8s.io',
    );
    expect(result?.fix).toBe(
      'either grant those rules (examples/rbac.yaml: ClusterRole ambient-canary-ci-istiod-rules and the Role of that name in istio-system hold exactly the rules of Istio\'s istiod chart), ' +
        'or grant cluster-wide: escalate clusterroles.rbac.authorization.k8s.io; in istio-system: escalate roles.rbac.authorization.k8s.io (escalate without resourceNames lets the user ' +
        'create any role); confirm with `kubectl auth can-i watch secrets --all-namespaces --context ci`',
    );
  });

  it('fails when the reviews themselves failed', () => {
    const result = chartRolesCheck({ chartRoles: { context: 'ci', roles: [reader], answers: [], error: 'the server is currently unable to handle the request' } });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringContaining('unable to handle the request') });
  });
});
