import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { accessKey, requiredAccess, type AccessAnswer, type AccessRequirement } from '../../../src/mesh/access.js';
import { escalationRequirements, judgeRoles, renderedRoles, ruleRequirements, type ChartRole } from '../../../src/mesh/chart-roles.js';
import { chartRolesCheck } from '../../../src/mesh/preflight/chart-roles.js';
import { config } from '../../support/scenario.js';
import { pluralOf } from '../../../src/domain/kube-object.js';
import { WRITTEN_KINDS } from '../../../src/plan/copy-kinds.js';
import { text } from '../mesh/fixtures/load.js';

/**
 * examples/rbac.yaml is the CI identity users copy: it must grant every permission preflight
 * reviews (src/mesh/access.ts) for the defaults it assumes (istio-system, istio-ingress, a
 * 1.29.6 -> 1.30.3 run) and every rule of the roles Istio's real istiod chart renders (both demo
 * versions: helm must be allowed to create them), and nothing else but the few rights named below.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The istiod chart's roles, rendered from release-1.30 and release-1.31 with the run's values. */
const CHART_ROLES: readonly ChartRole[] = ['istiod-1.30-roles.yaml', 'istiod-1.31-roles.yaml'].flatMap((f) => renderedRoles(text(f), 'istio-system'));
const ISTIOD_RULES = 'ambient-canary-ci-istiod-rules';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
}

function docs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((d) => d.toJS() as Doc);
}

/** Rules that reach the ServiceAccount: a bound ClusterRole applies everywhere, a bound Role in its namespace. */
function boundRules(all: Doc[]): { namespace: string | undefined; rule: Rule }[] {
  const roles = all.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role');
  const bound = all.filter((d) => d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding');
  return bound.flatMap((b) => {
    const role = roles.find((r) => r.kind === b.roleRef?.kind && r.metadata.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.metadata.namespace === b.metadata.namespace));
    const namespace = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    return (role?.rules ?? []).map((rule) => ({ namespace, rule }));
  });
}

function ruleAllows(rule: Rule, r: AccessRequirement): boolean {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const any = (items: string[], want: string): boolean => items.includes('*') || items.includes(want);
  const named = rule.resourceNames === undefined || (r.name !== undefined && rule.resourceNames.includes(r.name));
  return any(rule.apiGroups, r.group) && any(rule.resources, resource) && any(rule.verbs, r.verb) && named;
}

/** What RBAC's authorizer answers for one requirement, given the bound rules. */
function allowed(rules: ReturnType<typeof boundRules>, r: AccessRequirement): boolean {
  return rules.some((b) => (b.namespace === undefined || b.namespace === r.namespace) && ruleAllows(b.rule, r));
}

/** Granted, though preflight does not review them: each with why. */
const EXTRA: Readonly<Record<string, string>> = {
  'create events.events.k8s.io': 'Events on the route, best effort by contract (EventRecorder never throws), so not a preflight requirement',
};

/** What the apiserver answers each access review preflight makes about the chart's roles, for these rules. */
function reviewed(rules: ReturnType<typeof boundRules>, roles: readonly ChartRole[]): AccessAnswer[] {
  return [...roles.flatMap(escalationRequirements), ...roles.flatMap(ruleRequirements)].map((r) => ({ ...r, allowed: allowed(rules, r) }));
}

/** `get deployments.apps`, `get *.networking.istio.io`: one key per verb, resource and name a rule grants. */
function grantedKeys(rules: readonly Rule[]): string[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((g) => rule.resources.flatMap((res) => rule.verbs.flatMap((v) => (rule.resourceNames ?? ['']).map((n) => `${v} ${res}${g ? `.${g}` : ''}${n ? `/${n}` : ''}`)))),
  );
}
const keyOf = (r: AccessRequirement): string => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}${r.name ? `/${r.name}` : ''}`;

describe('examples/rbac.yaml grants exactly what preflight reviews', () => {
  const rules = boundRules(docs('examples/rbac.yaml'));
  const needed = requiredAccess(config({}));

  it('reads the file: ClusterRoles and Roles, bound', () => {
    expect(rules.filter((r) => r.namespace === undefined).length).toBeGreaterThan(10);
    expect(new Set(rules.map((r) => r.namespace))).toEqual(new Set([undefined, 'istio-system', 'istio-ingress']));
  });

  it.each(needed.map((r) => [accessKey(r), r] as const))('grants %s', (_key, r) => {
    expect(allowed(rules, r), `${accessKey(r)} (${r.why})`).toBe(true);
  });

  it('grants no escalate or bind on any role: it holds the rules of istiod\'s roles instead', () => {
    const role = (verb: string, resource: string, name: string | undefined, namespace?: string): AccessRequirement => ({ verb, group: 'rbac.authorization.k8s.io', resource, name, namespace, why: '' });
    expect(allowed(rules, role('escalate', 'clusterroles', undefined))).toBe(false);
    expect(allowed(rules, role('escalate', 'roles', undefined, 'istio-system'))).toBe(false);
    expect(allowed(rules, role('bind', 'clusterroles', 'cluster-admin'))).toBe(false);
    expect(allowed(rules, role('bind', 'clusterroles', 'istiod-clusterrole-1-31-0-dev-istio-system'))).toBe(false);
    expect(allowed(rules, role('escalate', 'clusterroles', 'istiod-clusterrole-1-31-0-dev-istio-system'))).toBe(false);
  });

  it.each(CHART_ROLES.map((r) => [`${r.kind} ${r.name}`, r] as const))('holds every rule of the chart\'s %s, where the apiserver looks for them', (_name, role) => {
    const missing = ruleRequirements(role).filter((r) => !allowed(rules, r));
    expect(missing.map(accessKey)).toEqual([]);
  });

  it('so preflight\'s chart-roles check passes for it on both versions, each role by its rules', () => {
    const result = chartRolesCheck({ chartRoles: { context: 'ci', roles: CHART_ROLES, answers: reviewed(rules, CHART_ROLES) } });
    expect(result?.status, result?.message).toBe('pass');
    expect(judgeRoles(CHART_ROLES, reviewed(rules, CHART_ROLES)).map((v) => v.way)).toEqual(CHART_ROLES.map(() => 'rules'));
  });

  it('an escalate/bind limited to the roles\' names (what this file granted before) fails that check: a create names no object', () => {
    const byName: Rule[] = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'bind'], resourceNames: CHART_ROLES.filter((r) => r.kind === 'ClusterRole').map((r) => r.name) }];
    const withoutRules = boundRules(docs('examples/rbac.yaml').filter((d) => d.metadata.name !== ISTIOD_RULES)).concat(byName.map((rule) => ({ namespace: undefined, rule })));
    const result = chartRolesCheck({ chartRoles: { context: 'ci', roles: CHART_ROLES, answers: reviewed(withoutRules, CHART_ROLES) } });
    expect(result?.status).toBe('fail');
    // What the apiserver refused helm in runs-rbac: watch secrets, patch leases, create gateways.networking.istio.io (list secrets is the copy's now).
    expect(result?.message).toMatch(/cluster-wide: [^;]*, get,watch secrets, /);
    expect(result?.message).toMatch(/; in istio-system: create gateways\.networking\.istio\.io, watch secrets, patch leases\.coordination\.k8s\.io$/);
  });

  it('grants nothing else: every (verb, resource, name) it lists is one preflight asks about, or explained', () => {
    const asked = new Set([...needed, ...CHART_ROLES.flatMap(ruleRequirements)].map(keyOf));
    const granted = grantedKeys(rules.map((b) => b.rule));
    const unasked = [...new Set(granted)].filter((g) => !asked.has(g) && !(g in EXTRA)).sort();
    expect(unasked).toEqual([]);
  });
});

/**
 * The roles ambient-canary-ci-istiod-rules are the chart's rules, no more: every (verb, group,
 * resource, name) they grant is one a rendered role grants (of either version), and every
 * rule a rendered role grants is held by them alone (a ClusterRole's by the ClusterRole).
 */
describe.each([
  ['ClusterRole', undefined],
  ['Role', 'istio-system'],
] as const)('examples/rbac.yaml: %s ambient-canary-ci-istiod-rules is the union of the chart\'s', (kind, namespace) => {
  const ours = docs('examples/rbac.yaml').filter((d) => d.kind === kind && d.metadata.name === ISTIOD_RULES);
  const chart = CHART_ROLES.filter((r) => r.kind === kind);

  it('exists once, with the chart\'s roles to compare with', () => {
    expect(ours).toHaveLength(1);
    expect(ours[0]?.metadata.namespace).toBe(namespace);
    expect(chart.length).toBeGreaterThan(0);
  });

  it('grants nothing the chart\'s roles do not', () => {
    const rendered = new Set(chart.flatMap(ruleRequirements).map(keyOf));
    expect(grantedKeys(ours[0]?.rules ?? []).filter((k) => !rendered.has(k))).toEqual([]);
  });

  it('holds every rule they grant', () => {
    const alone = (ours[0]?.rules ?? []).map((rule) => ({ namespace, rule }));
    expect(chart.flatMap(ruleRequirements).filter((r) => !allowed(alone, r)).map(accessKey)).toEqual([]);
  });
});

describe('examples/rbac-chart-options.yaml', () => {
  it('grants nothing preflight reviews already (it is only for chart options the run does not set)', () => {
    const extra = boundRules(docs('examples/rbac-chart-options.yaml'));
    const overlap = requiredAccess(config({})).filter((r) => extra.some((b) => (b.namespace === undefined || b.namespace === r.namespace) && ruleAllows(b.rule, r)));
    expect(overlap.map(accessKey)).toEqual([]);
  });
});

describe('examples/rbac.yaml keeps the canary copy in namespaces ambient-canary created', () => {
  interface Policy {
    kind: string;
    metadata: { name: string };
    spec: { matchConstraints: { resourceRules: { apiGroups: string[]; operations: string[]; resources: string[] }[] } };
  }
  const policy = parseAllDocuments(readFileSync(join(ROOT, 'examples/rbac.yaml'), 'utf8'))
    .map((d) => d.toJS() as Policy)
    .find((d) => d.kind === 'ValidatingAdmissionPolicy' && d.metadata.name === 'ambient-canary-ci-copies-only-into-its-namespaces');

  it.each(WRITTEN_KINDS.map((k) => [`${k.group || 'core'}/${k.kind}`, k] as const))('its admission policy covers every write of %s', (_name, k) => {
    const rules = policy?.spec.matchConstraints.resourceRules ?? [];
    const covered = (op: string) => rules.some((r) => r.apiGroups.includes(k.group) && r.resources.includes(pluralOf(k.kind)) && r.operations.includes(op));
    expect(covered('CREATE') && covered('UPDATE')).toBe(true);
  });
});
