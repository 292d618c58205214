import { namedResource, type AccessAnswer, type AccessFacts } from '../access.js';
import { fail, pass, type CheckResult } from '../checks.js';
import { listed } from './input.js';

/** The cluster of the context answered (the access reviews went through). */
export function reachable(access: AccessFacts, serverVersion: string | undefined): CheckResult {
  return pass('cluster-reachable', 'access', `context "${access.context}" answers at ${access.server}${serverVersion ? ` (Kubernetes ${serverVersion})` : ''}`);
}

/** The cluster did not answer, or refused us outright: nothing else can be checked. */
export function unreachable(message: string, fix: string | undefined): CheckResult {
  return fail('cluster-reachable', 'access', message, fix ?? 'check that the cluster is running and that --context/--kubeconfig name the right one');
}

/** The cluster answered the access reviews but a read preflight needs was refused or failed. */
export function unreadable(message: string, fix: string | undefined): CheckResult {
  return fail('cluster-read', 'access', `preflight could not read the cluster: ${message}`, fix ?? 'run `canary doctor` again; if it persists, check the apiserver');
}

/**
 * `cluster-wide: patch nodes, create pods/eviction; in bookinfo-1-30-3: create,patch deployments.apps`:
 * every missing permission, verbs grouped by resource and resources by scope, none left out.
 */
export function describeMissing(missing: readonly AccessAnswer[]): string {
  const scopes = new Map<string, Map<string, string[]>>();
  for (const a of missing) {
    const scope = a.namespace ? `in ${a.namespace}` : 'cluster-wide';
    const resources = scopes.get(scope) ?? new Map<string, string[]>();
    resources.set(namedResource(a), [...(resources.get(namedResource(a)) ?? []), a.verb]);
    scopes.set(scope, resources);
  }
  return [...scopes.entries()].map(([scope, resources]) => `${scope}: ${[...resources.entries()].map(([r, verbs]) => `${verbs.join(',')} ${r}`).join(', ')}`).join('; ');
}

/**
 * A `kubectl auth can-i` line the user can run to confirm one missing permission; `allNamespaces`
 * for a cluster-wide one on a namespaced resource (without it, kubectl asks in its default namespace).
 */
export function canI(a: AccessAnswer, context: string, allNamespaces = a.resource === 'pods' || a.resource === 'daemonsets'): string {
  const scope = a.namespace ? ` -n ${a.namespace}` : allNamespaces && a.path === undefined ? ' --all-namespaces' : '';
  return `kubectl auth can-i ${a.verb} ${namedResource(a)}${scope} --context ${context}`;
}

/**
 * Every verb the run needs, asked of the apiserver with SelfSubjectAccessReviews before
 * anything changes: a run that would fail half-way on a 403 fails here, listing all of them.
 */
export function accessCheck(access: AccessFacts): CheckResult {
  const missing = access.answers.filter((a) => !a.allowed);
  if (missing.length === 0) return pass('access', 'access', `the user of context "${access.context}" may do all ${access.answers.length} things the run needs`);
  const needs = [...new Set(missing.map((a) => a.why))];
  const first = missing[0] as AccessAnswer;
  return fail(
    'access',
    'access',
    `the user of context "${access.context}" lacks ${missing.length} permission(s): ${describeMissing(missing)} (used for: ${listed(needs, 4)})`,
    `grant them (a ClusterRole for the cluster-wide ones, a Role in each namespace named), or use a --context that has them; confirm with \`${canI(first, access.context)}\``,
  );
}
