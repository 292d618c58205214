import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { accessKey, requiredAccess, type AccessRequirement } from '../../../src/mesh/access.js';
import { config } from '../../support/scenario.js';

/**
 * examples/rbac.yaml is the CI identity users copy: it must grant every permission preflight
 * reviews (src/mesh/access.ts) for the defaults it assumes (istio-system, istio-ingress, a
 * 1.29.6 -> 1.30.3 run), and nothing the list does not ask for but the few rights named below.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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

describe('examples/rbac.yaml grants exactly what preflight reviews', () => {
  const rules = boundRules(docs('examples/rbac.yaml'));
  const needed = requiredAccess(config({}));

  it('reads the file: a ClusterRole and two Roles, bound', () => {
    expect(rules.filter((r) => r.namespace === undefined).length).toBeGreaterThan(10);
    expect(new Set(rules.map((r) => r.namespace))).toEqual(new Set([undefined, 'istio-system', 'istio-ingress']));
  });

  it.each(needed.map((r) => [accessKey(r), r] as const))('grants %s', (_key, r) => {
    expect(allowed(rules, r), `${accessKey(r)} (${r.why})`).toBe(true);
  });

  it('grants escalate/bind only on the target revision\'s istiod roles, never on any role', () => {
    const role = (verb: string, resource: string, name: string | undefined, namespace?: string): AccessRequirement => ({ verb, group: 'rbac.authorization.k8s.io', resource, name, namespace, why: '' });
    expect(allowed(rules, role('escalate', 'clusterroles', 'istiod-clusterrole-1-30-3-istio-system'))).toBe(true);
    expect(allowed(rules, role('bind', 'roles', 'istiod-1-30-3', 'istio-system'))).toBe(true);
    expect(allowed(rules, role('escalate', 'clusterroles', undefined))).toBe(false);
    expect(allowed(rules, role('bind', 'clusterroles', 'cluster-admin'))).toBe(false);
    expect(allowed(rules, role('escalate', 'roles', 'istiod-1-29-6', 'istio-system'))).toBe(false);
  });

  it('grants nothing else: every (verb, resource, name) it lists is one preflight asks about, or explained', () => {
    const asked = new Set(needed.map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}${r.name ? `/${r.name}` : ''}`));
    const granted = rules.flatMap(({ rule }) =>
      rule.apiGroups.flatMap((g) => rule.resources.flatMap((res) => rule.verbs.flatMap((v) => (rule.resourceNames ?? ['']).map((n) => `${v} ${res}${g ? `.${g}` : ''}${n ? `/${n}` : ''}`)))),
    );
    const unasked = [...new Set(granted)].filter((g) => !asked.has(g) && !(g in EXTRA)).sort();
    expect(unasked).toEqual([]);
  });
});

describe('examples/rbac-chart-options.yaml', () => {
  it('grants nothing preflight reviews already (it is only for chart options the run does not set)', () => {
    const extra = boundRules(docs('examples/rbac-chart-options.yaml'));
    const overlap = requiredAccess(config({})).filter((r) => extra.some((b) => (b.namespace === undefined || b.namespace === r.namespace) && ruleAllows(b.rule, r)));
    expect(overlap.map(accessKey)).toEqual([]);
  });
});
