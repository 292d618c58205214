import type { RunConfig } from '../config/types.js';
import { formatVersion } from '../domain/revision.js';
import { isPhaseDone, type Phase } from '../domain/phase.js';
import type { ClusterFacts, DaemonSetFacts } from './cluster-facts.js';
import { managedRuleIndexes, type RouteContext } from '../gateway-api/rules.js';
import { missingValues } from './charts.js';
import { fail, pass, warn, type CheckResult } from './checks.js';
import { isOwned, REV } from './labels.js';
import { chooseCanaryNodes, type NodeChoice } from './node-selection.js';
import { daemonSetSelects, isPinned } from './scheduling.js';

export interface PreflightInput {
  readonly config: RunConfig;
  readonly facts: ClusterFacts;
  readonly route: RouteContext;
  /** The last phase a resumed run completed: once promote may have begun, the stable revision is going away on purpose. */
  readonly resumedAfter?: Phase | undefined;
}

/** The checks every run makes before changing anything; pure over what inspect() read. */
export function preflightChecks(input: PreflightInput): { results: CheckResult[]; nodes: NodeChoice } {
  const nodes = chooseNodes(input);
  const always = [targetValues(input), canaryNamespace(input), gateway(input), canaryReleases(input)];
  if (isPhaseDone(input.resumedAfter, 'steps')) return { results: [...always, routeExists(input)], nodes };
  return { results: [...always, fromInstalled(input), stableNamespace(input), route(input), stableZtunnelPinned(input, nodes), canaryNodes(nodes)], nodes };
}

export function chooseNodes({ config, facts }: PreflightInput): NodeChoice {
  return chooseCanaryNodes({ nodes: facts.nodes, label: config.nodes.label, stable: config.from.name, canary: config.to.name, count: config.nodes.count, named: config.nodes.names });
}

function targetValues({ config }: PreflightInput): CheckResult {
  const missing = missingValues(config.to.version);
  return missing.length === 0
    ? pass('target-values', 'versions', `${formatVersion(config.to.version)} charts have every value a node-pinned canary needs`)
    : fail('target-values', 'versions', `Istio ${formatVersion(config.to.version)} charts lack ${missing.join(', ')}`, 'a node-pinned ztunnel canary needs Istio 1.26 or newer as the target; upgrade older meshes in place as Istio documents');
}

export function stableIstiod(config: RunConfig, facts: ClusterFacts): ClusterFacts['istiods'][number] | undefined {
  return facts.istiods.find((d) => d.name === `istiod-${config.from.name}` || (d.labels[REV] === config.from.name && d.name.startsWith('istiod')));
}

function fromInstalled({ config, facts }: PreflightInput): CheckResult {
  const istiod = stableIstiod(config, facts);
  const installed = facts.istiods.map((d) => d.labels[REV] ?? d.name).join(', ') || 'none';
  if (!istiod) return fail('from-installed', 'versions', `revision ${config.from.name} is not installed: no istiod-${config.from.name} in ${config.istio.namespace}`, `check --from (installed revisions: ${installed})`);
  if (istiod.readyReplicas < 1) return fail('from-installed', 'versions', `istiod ${istiod.name} has no Ready replica`, `fix the running control plane first: kubectl -n ${istiod.namespace} describe deployment ${istiod.name}`);
  return pass('from-installed', 'versions', `${istiod.name} is Ready (${istiod.readyReplicas}/${istiod.replicas})`);
}

function stableNamespace({ config, facts }: PreflightInput): CheckResult {
  const ns = config.app.stableNamespace;
  return facts.namespaces[ns]
    ? pass('stable-namespace', 'topology', `namespace ${ns} exists`)
    : fail('stable-namespace', 'topology', `the stable namespace ${ns} does not exist`, 'name the namespace of the running workloads with --stable-namespace (or --app)');
}

function canaryNamespace({ config, facts }: PreflightInput): CheckResult {
  const ns = facts.namespaces[config.app.canaryNamespace];
  if (!ns) return pass('canary-namespace', 'ownership', `namespace ${config.app.canaryNamespace} is free`);
  if (!isOwned(ns.labels)) return fail('canary-namespace', 'ownership', `namespace ${ns.name} exists and was not created by ambient-canary`, 'move or delete it yourself, or choose another name with --canary-namespace; ambient-canary never takes over objects it did not create');
  if (ns.terminating) return fail('canary-namespace', 'ownership', `namespace ${ns.name} is still being deleted`, 'wait until it is gone, then run again');
  return pass('canary-namespace', 'ownership', `namespace ${ns.name} is ours (a run in progress)`);
}

function gateway({ config, facts }: PreflightInput): CheckResult {
  const g = config.gateway;
  return facts.gateway
    ? pass('gateway', 'topology', `Gateway ${g.namespace}/${g.name} exists`)
    : fail('gateway', 'topology', `Gateway ${g.namespace}/${g.name} does not exist`, 'name the Gateway your route attaches to with --gateway namespace/name');
}

function routeExists({ config, facts }: PreflightInput): CheckResult {
  const r = config.route;
  return facts.route ? pass('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} exists`) : fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} does not exist`, 'the route was removed during promote: recreate it pointing at the new namespace, then run `canary promote` again');
}

function route({ config, facts, route: ctx }: PreflightInput): CheckResult {
  const r = config.route;
  if (!facts.route) return fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} does not exist`, 'create the route that serves the application, or name it with --route namespace/name');
  if (managedRuleIndexes(facts.route.spec.rules ?? [], ctx).length === 0) {
    return fail('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} has no backendRef into namespace ${ctx.stableNamespace}`, 'point the route at the stable Services, or name the right --stable-namespace');
  }
  return pass('route', 'topology', `HTTPRoute ${r.namespace}/${r.name} sends traffic to ${ctx.stableNamespace}`);
}

export function stableZtunnel(config: RunConfig, facts: ClusterFacts): DaemonSetFacts | undefined {
  return facts.ztunnels.find((d) => d.release === config.istio.stableZtunnelRelease) ?? facts.ztunnels.find((d) => d.labels[REV] === config.from.name);
}

function stableZtunnelPinned({ config, facts }: PreflightInput, nodes: NodeChoice): CheckResult {
  const ds = stableZtunnel(config, facts);
  if (!ds) return fail('stable-ztunnel', 'pinning', `no ztunnel DaemonSet of revision ${config.from.name} in ${config.istio.namespace}`, `name its Helm release with --stable-ztunnel-release (looked for ${config.istio.stableZtunnelRelease})`);
  const prepare = `run \`canary prepare --from ${formatVersion(config.from.version)}\` once, in a maintenance window: it pins the stable ztunnel to ${config.nodes.label}=${config.from.name} nodes (restarting every stable ztunnel pod)`;
  if (!isPinned(ds)) return fail('stable-ztunnel', 'pinning', `ztunnel ${ds.name} runs on every node, so it would share the canary nodes with the canary ztunnel`, prepare);
  const clash = facts.nodes.filter((n) => nodes.nodes.includes(n.name)).filter((n) => daemonSetSelects(ds, { ...n.labels, [config.nodes.label]: config.to.name }));
  if (clash.length > 0) return fail('stable-ztunnel', 'pinning', `ztunnel ${ds.name} would still run on canary node(s) ${clash.map((n) => n.name).join(', ')} after labelling`, prepare);
  return pass('stable-ztunnel', 'pinning', `ztunnel ${ds.name} stays off nodes labelled ${config.nodes.label}=${config.to.name}`);
}

function canaryNodes(nodes: NodeChoice): CheckResult {
  if (nodes.problem) return fail('canary-nodes', 'topology', nodes.problem, 'add Ready nodes without a revision label, lower --node-count, or name the nodes with --canary-nodes');
  const taken = nodes.takenFromStable.length > 0 ? ` (${nodes.takenFromStable.join(', ')} taken from the stable revision)` : '';
  const result = pass('canary-nodes', 'topology', `canary node(s): ${nodes.nodes.join(', ')}${taken}`);
  return nodes.takenFromStable.length > 0 ? warn(result.id, result.group, result.message, 'their stable pods are drained (PodDisruptionBudgets respected); add free nodes to avoid this') : result;
}

function canaryReleases({ config, facts }: PreflightInput): CheckResult {
  const names = [`istiod-${config.to.name}`, `ztunnel-${config.to.name}`];
  const foreign = facts.releases.filter((r) => names.includes(r.name) && !r.owned);
  return foreign.length === 0
    ? pass('canary-releases', 'ownership', `Helm releases ${names.join(', ')} are free or ours`)
    : fail('canary-releases', 'ownership', `Helm release(s) ${foreign.map((r) => r.name).join(', ')} exist and were not installed by ambient-canary`, 'uninstall them yourself or upgrade them by hand; ambient-canary never takes over releases it did not install');
}
