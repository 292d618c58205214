import { parseAllDocuments } from 'yaml';
import { accessKey, type AccessAnswer, type AccessRequirement } from './access.js';

/**
 * Creating the roles a chart renders (the istiod chart: three ClusterRoles and a Role) is
 * judged by Kubernetes' RBAC escalation check (kubernetes pkg/registry/rbac/clusterrole/
 * policybased/storage.go and role/policybased/storage.go, Create): the apiserver allows it
 * when the user may `escalate` on the role resource (rbac/escalation_check.go,
 * RoleEscalationAuthorized), or when the user's own RBAC rules cover every rule of the role
 * (ConfirmNoEscalation). The `escalate` attributes are built from the request info, whose
 * name is empty for a POST (apiserver endpoints/request/requestinfo.go takes the name from the
 * URL path): an `escalate` limited by resourceNames never lets anyone create a role. A binding
 * is allowed with `bind` on its roleRef, which carries the role's name (BindingAuthorized), or
 * when the user holds every rule of the role (clusterrolebinding/ and rolebinding/
 * policybased/storage.go). So for each role: hold all its rules (then create and bind both
 * pass), or may escalate on that role resource without a name and bind the role. The rules are
 * looked up in RBAC bindings only (validation/rule.go, RulesFor): a right granted by another
 * authorizer (a cloud's IAM webhook) answers an access review but does not count there.
 */

/** A PolicyRule (rbac.authorization.k8s.io/v1) as `helm template` renders it. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[] | undefined;
  readonly resources?: readonly string[] | undefined;
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[] | undefined;
  readonly nonResourceURLs?: readonly string[] | undefined;
}

export interface ChartRole {
  readonly kind: 'ClusterRole' | 'Role';
  readonly name: string;
  /** A Role's namespace; undefined for a ClusterRole. */
  readonly namespace: string | undefined;
  readonly rules: readonly PolicyRule[];
}

/** The roles the reviews were about and every answer, both rounds (src/orchestrator/preflight.ts). */
export interface ChartRoleFacts {
  readonly context: string;
  readonly roles: readonly ChartRole[];
  readonly answers: readonly AccessAnswer[];
  /** The reviews could not be made (the apiserver failed them). */
  readonly error?: string | undefined;
}

const RBAC = 'rbac.authorization.k8s.io';

export function roleLabel(role: ChartRole): string {
  return `${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}`;
}

interface RawRole {
  kind?: unknown;
  metadata?: { name?: string; namespace?: string };
  rules?: PolicyRule[] | null;
}

/**
 * The Roles and ClusterRoles in `helm template` output (a multi-document YAML stream). A Role
 * without a namespace goes where helm puts it: the release namespace.
 */
export function renderedRoles(manifest: string, releaseNamespace: string): ChartRole[] {
  try {
    return parseAllDocuments(manifest)
      .map((d) => d.toJS() as RawRole | null)
      .filter((d): d is RawRole => d !== null && typeof d === 'object' && (d.kind === 'ClusterRole' || d.kind === 'Role'))
      .map((d) => ({
        kind: d.kind as ChartRole['kind'],
        name: d.metadata?.name ?? '',
        namespace: d.kind === 'Role' ? (d.metadata?.namespace ?? releaseNamespace) : undefined,
        rules: d.rules ?? [],
      }));
  } catch {
    // Not YAML: the chart-values check reports the render; nothing to review here.
    return [];
  }
}

function resourceOf(role: ChartRole): string {
  return role.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
}

/** `escalate` on the role's resource in its scope, with no name (as a create is judged), and `bind` on the role itself. */
export function escalationRequirements(role: ChartRole): AccessRequirement[] {
  const why = `create and bind ${roleLabel(role)} without holding its rules`;
  const on = { group: RBAC, resource: resourceOf(role), namespace: role.namespace, why };
  return [
    { verb: 'escalate', ...on },
    { verb: 'bind', ...on, name: role.name },
  ];
}

/**
 * Every rule of the role broken into one (verb, group, resource, name) each, as Kubernetes
 * compares them (component-helpers auth/rbac/validation/policy_comparator.go, Covers over
 * BreakdownRule): reviewed as rendered, wildcards and resourceNames included, in the role's
 * scope (a ClusterRole's cluster-wide, where the apiserver looks for a ClusterRole's creator).
 */
export function ruleRequirements(role: ChartRole): AccessRequirement[] {
  const why = `create ${roleLabel(role)}: hold its rules`;
  const namespace = role.namespace;
  return role.rules.flatMap((rule) => [
    ...(rule.apiGroups ?? []).flatMap((group) =>
      (rule.resources ?? []).flatMap((full) => {
        const [resource, subresource] = splitResource(full);
        const names = rule.resourceNames && rule.resourceNames.length > 0 ? rule.resourceNames : [undefined];
        return rule.verbs.flatMap((verb) => names.map((name): AccessRequirement => ({ verb, group, resource, subresource, name, namespace, why })));
      }),
    ),
    ...(rule.nonResourceURLs ?? []).flatMap((path) => rule.verbs.map((verb): AccessRequirement => ({ verb, group: '', resource: '', path, why }))),
  ]);
}

function splitResource(full: string): [string, string | undefined] {
  const at = full.indexOf('/');
  return at < 0 ? [full, undefined] : [full.slice(0, at), full.slice(at + 1)];
}

/** Each requirement once (a rule two roles share is asked once). */
export function unique<T extends AccessRequirement>(requirements: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of requirements) if (!seen.has(accessKey(r))) seen.set(accessKey(r), r);
  return [...seen.values()];
}

export interface RoleVerdict {
  readonly role: ChartRole;
  /** How the user may create and bind it: holding its rules, by escalate and bind, or not at all. */
  readonly way: 'rules' | 'escalate' | undefined;
  /** Its rules the user does not hold (or that were not reviewed). */
  readonly missingRules: readonly AccessAnswer[];
  /** escalate/bind reviews refused. */
  readonly missingEscalation: readonly AccessAnswer[];
}

function answered(answers: ReadonlyMap<string, AccessAnswer>, r: AccessRequirement): AccessAnswer {
  return answers.get(accessKey(r)) ?? { ...r, allowed: false, reason: 'not reviewed' };
}

/** The verdict for each role, from the answers of both rounds. */
export function judgeRoles(roles: readonly ChartRole[], answers: readonly AccessAnswer[]): RoleVerdict[] {
  const byKey = new Map(answers.map((a) => [accessKey(a), a]));
  return roles.map((role) => {
    const missingEscalation = escalationRequirements(role).map((r) => answered(byKey, r)).filter((a) => !a.allowed);
    const missingRules = unique(ruleRequirements(role)).map((r) => answered(byKey, r)).filter((a) => !a.allowed);
    const way = missingRules.length === 0 ? 'rules' : missingEscalation.length === 0 ? 'escalate' : undefined;
    return { role, way, missingRules, missingEscalation };
  });
}

/**
 * The second round: the rules of each role the user may not create by escalate and bind
 * (the first round's answers). A user who may escalate and bind on every role is not asked
 * about hundreds of rules.
 */
export function rulesToReview(roles: readonly ChartRole[], escalation: readonly AccessAnswer[]): AccessRequirement[] {
  const byKey = new Map(escalation.map((a) => [accessKey(a), a]));
  const short = roles.filter((role) => escalationRequirements(role).some((r) => !answered(byKey, r).allowed));
  return unique(short.flatMap(ruleRequirements));
}
