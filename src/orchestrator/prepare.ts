import type { RunConfig } from '../config/types.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import { formatVersion } from '../domain/revision.js';
import { formatDuration } from '../config/duration.js';
import { CHARTS } from '../mesh/charts.js';
import { stableZtunnel } from '../mesh/preflight.js';
import { daemonSetSelects, isPinned } from '../mesh/scheduling.js';
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
  readonly invocation: HelmInvocation;
  readonly alreadyPinned: boolean;
}

/** What `canary prepare` would do; reads only. */
export async function preparePlan(config: RunConfig, ports: Ports, signal: AbortSignal): Promise<PreparePlan> {
  const facts = await ports.reader.inspect(inspectQuery(config), signal);
  const ds = stableZtunnel(config, facts);
  if (!ds) throw new InputError([{ path: '--from', message: `no ztunnel DaemonSet of revision ${config.from.name} in ${config.istio.namespace}: check --from and --stable-ztunnel-release` }]);
  const release = ds.release ?? config.istio.stableZtunnelRelease;
  const nodes = facts.nodes.filter((n) => n.labels[config.nodes.label] === undefined && daemonSetSelects(ds, n.labels)).map((n) => n.name);
  const invocation: HelmInvocation = {
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
  return { release, daemonSet: ds.name, nodes, invocation, alreadyPinned: isPinned(ds) };
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
