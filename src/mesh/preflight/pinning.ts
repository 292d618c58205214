import type { RunConfig } from '../../config/types.js';
import { formatVersion } from '../../domain/revision.js';
import { DEFAULT_ISTIO_NAMESPACE, ztunnelRelease } from '../charts.js';
import type { DaemonSetFacts, NodeFacts } from '../cluster-facts.js';
import { fail, pass, type CheckResult } from '../checks.js';
import { DEFAULT_NODE_LABEL } from '../labels.js';
import type { NodeChoice } from '../node-selection.js';
import { daemonSetSelects, isPinned } from '../scheduling.js';
import { listed, stableZtunnel, type PreflightInput } from './input.js';

/** `canary prepare --from 1.29.6 [--istio-namespace …] [--node-label …]`: the command that pins the stable ztunnel. */
export function prepareCommand(config: RunConfig): string {
  const flags = [`--from ${formatVersion(config.from.version)}`];
  if (config.kube.context) flags.push(`--context ${config.kube.context}`);
  if (config.istio.namespace !== DEFAULT_ISTIO_NAMESPACE) flags.push(`--istio-namespace ${config.istio.namespace}`);
  if (config.nodes.label !== DEFAULT_NODE_LABEL) flags.push(`--node-label ${config.nodes.label}`);
  if (config.istio.stableZtunnelRelease !== ztunnelRelease(config.from.name)) flags.push(`--stable-ztunnel-release ${config.istio.stableZtunnelRelease}`);
  return `canary prepare ${flags.join(' ')}`;
}

/**
 * Nodes the ztunnel would still run on once they are labelled `<label>=<other>`: empty when it
 * is pinned to its own revision's label (by nodeSelector or node affinity), so relabelling a
 * node for another revision takes it off that node.
 */
export function nodesKeptAfterRelabel(ds: Pick<DaemonSetFacts, 'nodeSelector' | 'requiredAffinity'>, nodes: readonly NodeFacts[], label: string, other: string): string[] {
  return nodes.filter((n) => daemonSetSelects(ds, { ...n.labels, [label]: other })).map((n) => n.name);
}

/** The stable ztunnel must stay off the canary nodes; a DaemonSet on every node cannot, until `canary prepare`. */
export function stableZtunnelPinned(input: PreflightInput, nodes: NodeChoice): CheckResult {
  const { config, facts } = input;
  const ds = stableZtunnel(config, facts);
  if (!ds) return fail('stable-ztunnel', 'pinning', `no ztunnel DaemonSet of revision ${config.from.name} in ${config.istio.namespace}`, `name its Helm release with --stable-ztunnel-release (looked for ${config.istio.stableZtunnelRelease}), or check --istio-namespace`);
  const prepare = `run \`${prepareCommand(config)}\` once, in a maintenance window: it labels the nodes ${ds.name} runs on ${config.nodes.label}=${config.from.name} and pins it there, restarting every stable ztunnel pod (${ds.desired} now); it says so and asks first (--dry-run shows it, --yes confirms)`;
  if (!isPinned(ds)) return fail('stable-ztunnel', 'pinning', `ztunnel ${ds.name} runs on every node, so it would share the canary nodes with the canary ztunnel`, prepare);
  const canaryNodes = facts.nodes.filter((n) => nodes.nodes.includes(n.name));
  const clash = nodesKeptAfterRelabel(ds, canaryNodes, config.nodes.label, config.to.name);
  if (clash.length > 0) return fail('stable-ztunnel', 'pinning', `ztunnel ${ds.name} would still run on canary node(s) ${listed(clash)} after labelling them ${config.nodes.label}=${config.to.name}`, prepare);
  return pass('stable-ztunnel', 'pinning', `ztunnel ${ds.name} stays off nodes labelled ${config.nodes.label}=${config.to.name}`);
}
