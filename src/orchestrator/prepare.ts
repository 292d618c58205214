import type { RunConfig } from '../config/types.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import { compareVersions, formatVersion } from '../domain/revision.js';
import { formatDuration } from '../config/duration.js';
import { CHARTS, VALUE_SINCE } from '../mesh/charts.js';
import type { ClusterFacts, DaemonSetFacts } from '../mesh/cluster-facts.js';
import { stableZtunnel } from '../mesh/preflight.js';
import { nodesKeptAfterRelabel } from '../mesh/preflight/pinning.js';
import { daemonSetSelects } from '../mesh/scheduling.js';
import { chartArgs, chartSource } from '../plan/chart-ref.js';
import { setKey } from '../plan/helm-commands.js';
import { InputError } from '../domain/errors.js';
import type { Ports, Reporter } from './context.js';
import { inspectQuery } from './preflight.js';

export interface PreparePlan {
  readonly release: string;
  readonly daemonSet: string;
  /** Nodes the stable ztunnel runs on now, to be labelled for the stable revision. */
  readonly nodes: readonly string[];
  /** Stable ztunnel pods that restart when the release is pinned (one per node it runs on). */
  readonly restarts: number;
  readonly invocation: HelmInvocation;
  /** Already kept off nodes labelled for another revision: nothing to do. */
  readonly alreadyPinned: boolean;
}

/** A value that is not the stable revision: what a node labelled for any canary would carry. */
function otherRevision(config: RunConfig): string {
  return config.to.name !== config.from.name && config.to.version.major > 0 ? config.to.name : `not-${config.from.name}`;
}

function refuse(message: string): never {
  throw new InputError([{ path: '--from', message }]);
}

/** Nodes the stable ztunnel runs on that carry another revision's label: pinning would leave them without a ztunnel. */
function strandedNodes(config: RunConfig, facts: ClusterFacts, ds: DaemonSetFacts): string[] {
  const label = config.nodes.label;
  return facts.nodes.filter((n) => daemonSetSelects(ds, n.labels) && n.labels[label] !== undefined && n.labels[label] !== config.from.name).map((n) => `${n.name} (${label}=${n.labels[label]})`);
}

function pinInvocation(config: RunConfig, release: string): HelmInvocation {
  return {
    bin: config.istio.helmBinary,
    release,
    namespace: config.istio.namespace,
    mutates: true,
    args: [
      'upgrade',
      release,
      ...chartArgs(chartSource(config.istio.chartRepo), CHARTS.ztunnel, formatVersion(config.from.version)),
      '--namespace',
      config.istio.namespace,
      '--reuse-values',
      '--wait',
      '--timeout',
      formatDuration(config.istio.helmTimeoutMs),
      '--set-string',
      `${setKey(['nodeSelector', config.nodes.label])}=${config.from.name}`,
    ],
  };
}

/**
 * What `canary prepare` would do; reads only. Refuses (exit 2, nothing changed) when the
 * stable ztunnel cannot be found, its chart has no nodeSelector (Istio < 1.23), or pinning
 * would strand a node that carries another revision's label.
 */
export async function preparePlan(config: RunConfig, ports: Ports, signal: AbortSignal): Promise<PreparePlan> {
  const facts = await ports.reader.inspect(inspectQuery(config), signal);
  const ds = stableZtunnel(config, facts);
  if (!ds) refuse(`no ztunnel DaemonSet of revision ${config.from.name} in ${config.istio.namespace}: check --from, --istio-namespace and --stable-ztunnel-release`);
  const since = VALUE_SINCE['ztunnel.nodeSelector'];
  if (since && compareVersions({ ...config.from.version, prerelease: undefined }, since) < 0) {
    refuse(`the ztunnel chart of Istio ${formatVersion(config.from.version)} has no nodeSelector (added in ${since.major}.${since.minor}), so it cannot be pinned: upgrade it in place as Istio documents, then use ambient-canary`);
  }
  const alreadyPinned = nodesKeptAfterRelabel(ds, facts.nodes, config.nodes.label, otherRevision(config)).length === 0;
  const stranded = alreadyPinned ? [] : strandedNodes(config, facts, ds);
  if (stranded.length > 0) {
    refuse(`ztunnel ${ds.name} runs on ${stranded.join(', ')}, labelled for another revision: pinned, it would leave them without a ztunnel. Relabel them (kubectl label node NAME ${config.nodes.label}=${config.from.name} --overwrite) or drain them first`);
  }
  const nodes = facts.nodes.filter((n) => n.labels[config.nodes.label] === undefined && daemonSetSelects(ds, n.labels)).map((n) => n.name);
  const release = ds.release ?? config.istio.stableZtunnelRelease;
  return { release, daemonSet: ds.name, nodes, restarts: ds.desired, invocation: pinInvocation(config, release), alreadyPinned };
}

/** Labels the stable ztunnel's nodes, then pins it there (every stable ztunnel pod restarts). */
export async function prepare(config: RunConfig, ports: Ports, plan: PreparePlan, report: Reporter, signal: AbortSignal): Promise<void> {
  for (const node of plan.nodes) {
    await ports.nodes.label(node, config.nodes.label, config.from.name, signal);
    report.say(`${node}: labelled ${config.nodes.label}=${config.from.name}`);
  }
  report.say(formatInvocation(plan.invocation));
  await ports.helm.run(plan.invocation, signal);
  const expected = (await ports.reader.inspect(inspectQuery(config), signal)).nodes.filter((n) => n.labels[config.nodes.label] === config.from.name).length;
  await ports.workloads.waitDaemonSet(config.istio.namespace, plan.daemonSet, expected, config.timeouts.rolloutMs, signal);
  report.say(`ztunnel ${plan.daemonSet} pinned to ${config.nodes.label}=${config.from.name} and Ready on ${expected} node(s)`);
}
