import type { AccessAnswer } from '../access.js';
import { judgeRoles, roleLabel, unique, type RoleVerdict } from '../chart-roles.js';
import { fail, pass, type CheckResult } from '../checks.js';
import { canI, describeMissing } from './access.js';
import { listed, type PreflightInput } from './input.js';

/** examples/rbac.yaml: the roles that hold exactly what Istio's istiod chart grants istiod. */
const EXAMPLE_ROLES = 'ambient-canary-ci-istiod-rules';

function passMessage(context: string, verdicts: readonly RoleVerdict[]): string {
  const by = (way: RoleVerdict['way']): string[] => verdicts.filter((v) => v.way === way).map((v) => roleLabel(v.role));
  const ways = [
    by('rules').length > 0 ? `holding every rule of ${listed(by('rules'))}` : '',
    by('escalate').length > 0 ? `by escalate and bind on ${listed(by('escalate'))}` : '',
  ].filter((w) => w !== '');
  return `the user of context "${context}" may create and bind the ${verdicts.length} roles the charts render: ${ways.join('; ')}`;
}

/**
 * Whether helm, as this user, may create the Roles and ClusterRoles the charts render (with the
 * run's values) and bind them: Kubernetes' escalation check (src/mesh/chart-roles.ts) lets only a
 * user who holds every rule of a role, or may escalate on that kind of role with no name, create
 * it. A refusal there comes half-way through the run, after the canary nodes were tainted.
 */
export function chartRolesCheck({ chartRoles }: Pick<PreflightInput, 'chartRoles'>): CheckResult | undefined {
  if (!chartRoles || chartRoles.roles.length === 0) return undefined;
  const { context, roles, answers, error } = chartRoles;
  if (error !== undefined) {
    const message = `preflight could not review whether the user may create the charts' roles: ${error}`;
    return fail('chart-roles', 'access', message, 'run `canary doctor` again; if it persists, check the apiserver');
  }
  const verdicts = judgeRoles(roles, answers);
  const short = verdicts.filter((v) => v.way === undefined);
  if (short.length === 0) return pass('chart-roles', 'access', passMessage(context, verdicts));
  const rules = unique(short.flatMap((v) => v.missingRules));
  const escalation = unique(short.flatMap((v) => v.missingEscalation));
  const first = rules[0] as AccessAnswer;
  const istio = roles.find((r) => r.namespace)?.namespace;
  const example = `ClusterRole ${EXAMPLE_ROLES}${istio ? ` and the Role of that name in ${istio}` : ''}`;
  return fail(
    'chart-roles',
    'access',
    `the user of context "${context}" may not create ${listed(short.map((v) => roleLabel(v.role)), 4)}, rendered by the charts: ` +
      'Kubernetes lets a user create a role only if it holds every rule the role grants, ' +
      'or may escalate on clusterroles/roles with no resourceNames (a create names no object); ' +
      `it lacks ${rules.length} of their rules: ${describeMissing(rules)}`,
    `either grant those rules (examples/rbac.yaml: ${example} hold exactly the rules of Istio's istiod chart), ` +
      `or grant ${describeMissing(escalation)} (escalate without resourceNames lets the user create any role); ` +
      `confirm with \`${canI(first, context, true)}\``,
  );
}
