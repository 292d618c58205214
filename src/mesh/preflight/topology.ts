import { managedRuleIndexes } from '../../gateway-api/rules.js';
import { routeProgrammed } from '../../gateway-api/programmed.js';
import { fail, pass, warn, type CheckResult } from '../checks.js';
import type { LeaseFacts } from '../cluster-facts.js';
import { gatewayUrl } from '../gateway-url.js';
import type { NodeChoice } from '../node-selection.js';
import type { PreflightInput } from './input.js';

/** The run lock's Lease name (LeaseRunLock in src/kube/lease-lock.ts writes the same one). */
export const LOCK_LEASE = 'ambient-canary';

export function stableNamespace({ config, facts }: PreflightInput): CheckResult {
  const ns = config.app.stableNamespace;
  return facts.namespaces[ns]
    ? pass('stable-namespace', 'topology', `namespace ${ns} exists`)
    : fail('stable-namespace', 'topology', `the stable namespace ${ns} does not exist`, 'name the namespace of the running workloads with --stable-namespace (or --app)');
}

export function gateway({ config, facts }: PreflightInput): CheckResult {
  const g = config.gateway;
  return facts.gateway
    ? pass('gateway', 'topology', `Gateway ${g.namespace}/${g.name} exists`)
    : fail('gateway', 'topology', `Gateway ${g.namespace}/${g.name} does not exist`, 'name the Gateway your route attaches to with --gateway namespace/name');
}

/** The smoke test and the load reach the canary through the Gateway: it needs an address. */
export function gatewayAddress({ config, facts }: PreflightInput): CheckResult | undefined {
  if (!facts.gateway) return undefined;
  const url = config.gatewayUrl ?? gatewayUrl(facts.gateway);
  if (url) return pass('gateway-url', 'topology', `the Gateway is reached at ${url}${config.gatewayUrl ? ' (--gateway-url)' : ''}`);
  return fail('gateway-url', 'topology', `Gateway ${config.gateway.namespace}/${config.gateway.name} has no address in its status yet`, 'wait until it is Programmed, or give --gateway-url');
}

export function routeExists({ config, facts }: PreflightInput): CheckResult {
  const r = config.route;
  return facts.route ? pass('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} exists`) : fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} does not exist`, 'the route was removed during promote: recreate it pointing at the new namespace, then run `canary promote` again');
}

export function route({ config, facts, route: ctx }: PreflightInput): CheckResult {
  const r = config.route;
  if (!facts.route) return fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} does not exist`, 'create the route that serves the application, or name it with --route namespace/name');
  if (managedRuleIndexes(facts.route.spec.rules ?? [], ctx).length === 0) {
    return fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} has no backendRef into namespace ${ctx.stableNamespace}`, 'point the route at the stable Services, or name the right --stable-namespace');
  }
  return pass('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} sends traffic to ${ctx.stableNamespace}`);
}

/**
 * The route works today: every parent reports Accepted and ResolvedRefs for its current
 * generation. Weight steps are verified the same way, so a route already refused (a backend
 * not permitted or missing) would fail the first step instead of here.
 */
export function routeResolved({ config, facts }: PreflightInput): CheckResult | undefined {
  if (!facts.route) return undefined;
  const r = `HTTPRoute ${config.route.namespace}/${config.route.name}`;
  const state = routeProgrammed(facts.route);
  if (state.state === 'programmed') return pass('route-resolved', 'topology', `${r} is Accepted with its backendRefs resolved (generation ${state.generation})`);
  const detail = state.detail;
  const stable = config.app.stableNamespace;
  const fix = detail.includes('RefNotPermitted')
    ? `a backendRef crosses namespaces without a ReferenceGrant: create one in the backend's namespace (e.g. ${stable}) allowing HTTPRoute from ${config.route.namespace}`
    : detail.includes('BackendNotFound')
      ? `a backendRef names a Service that does not exist: fix the route or create the Service (kubectl -n ${config.route.namespace} describe httproute ${config.route.name})`
      : detail.includes('NotAllowedByListeners')
        ? `the Gateway listener's allowedRoutes must admit namespace ${config.route.namespace}`
        : `check that its Gateway is Programmed and its controller running: kubectl -n ${config.route.namespace} describe httproute ${config.route.name}`;
  return fail('route-resolved', 'topology', `${r} is not served as it stands: ${detail}`, fix);
}

export function canaryNodes(nodes: NodeChoice): CheckResult {
  if (nodes.problem) return fail('canary-nodes', 'topology', nodes.problem, 'add Ready nodes without a revision label, lower --node-count, or name the nodes with --canary-nodes');
  const taken = nodes.takenFromStable.length > 0 ? ` (${nodes.takenFromStable.join(', ')} taken from the stable revision)` : '';
  const result = pass('canary-nodes', 'topology', `canary node(s): ${nodes.nodes.join(', ')}${taken}`);
  return nodes.takenFromStable.length > 0 ? warn(result.id, result.group, result.message, 'their stable pods are drained (PodDisruptionBudgets respected); add free nodes to avoid this') : result;
}

function expiry(lease: LeaseFacts): number | undefined {
  const at = Date.parse(lease.renewedAt ?? lease.acquiredAt ?? '');
  return Number.isNaN(at) || lease.durationSeconds === undefined ? undefined : at + lease.durationSeconds * 1000;
}

/** No other run holds the lock (the Lease is read, never taken, here). */
export function lock({ mesh, holder, now, config, lockFree }: PreflightInput): CheckResult {
  const lease = mesh.lease;
  const name = `Lease ${config.state.namespace}/${lease?.name ?? LOCK_LEASE}`;
  if (!lease?.holder) return pass('lock', 'topology', `no run holds the lock (${name})`);
  if (lease.holder === holder) return pass('lock', 'topology', `the lock is ours (${lease.holder})`);
  if (lockFree === true) return pass('lock', 'topology', `${name} is held by ${lease.holder}, which is no longer running (or --force-unlock): this run takes it over`);
  const until = expiry(lease);
  if (until === undefined || until < now) return pass('lock', 'topology', `${name} was held by ${lease.holder}, which stopped renewing it${until ? ` at ${new Date(until).toISOString()}` : ''}; a run takes it over`);
  const since = lease.acquiredAt ? ` since ${lease.acquiredAt}` : '';
  return fail(
    'lock',
    'topology',
    `another run holds the lock: ${lease.holder}${since} (${name}, renewed until ${new Date(until).toISOString()})`,
    `wait for it to finish (\`canary status --state-namespace ${config.state.namespace}\` shows it); if that run died, the lock frees itself at ${new Date(until).toISOString()}`,
  );
}
