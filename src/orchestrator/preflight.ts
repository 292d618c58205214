import { InputError } from '../domain/errors.js';
import type { CheckResult } from '../mesh/checks.js';
import { fail, failures } from '../mesh/checks.js';
import { gatewayUrl } from '../mesh/gateway-url.js';
import { preflightChecks } from '../mesh/preflight.js';
import type { InspectQuery } from '../mesh/cluster-facts.js';
import type { RunConfig } from '../config/types.js';
import type { Ports, Reporter } from './context.js';
import type { Plan } from '../plan/build.js';
import type { ClusterFacts } from '../mesh/cluster-facts.js';
import type { RunRecord } from '../domain/run-record.js';

export interface PreflightOutcome {
  readonly facts: ClusterFacts;
  readonly results: readonly CheckResult[];
  readonly canaryNodes: readonly string[];
  readonly gatewayUrl: string;
}

export function inspectQuery(config: RunConfig): InspectQuery {
  return {
    istioNamespace: config.istio.namespace,
    namespaces: [...new Set([config.istio.namespace, config.app.stableNamespace, config.app.canaryNamespace, config.route.namespace, config.gateway.namespace, config.state.namespace])],
    route: config.route,
    gateway: config.gateway,
  };
}

export const ICON = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/** Reads the cluster and evaluates every check; throws only when the cluster cannot be read. */
export async function checkCluster(config: RunConfig, plan: Plan, ports: Ports, signal: AbortSignal, resume?: RunRecord): Promise<PreflightOutcome & { helm: string }> {
  const facts = await ports.reader.inspect(inspectQuery(config), signal);
  const helm = await ports.helm.version(signal);
  const resumeNodes = resume?.canaryNodes.map((n) => n.name) ?? [];
  const effective = resumeNodes.length > 0 ? { ...config, nodes: { ...config.nodes, names: resumeNodes, count: resumeNodes.length } } : config;
  const { results, nodes } = preflightChecks({ config: effective, facts, route: plan.route.context, resumedAfter: resume?.phase });
  const url = config.gatewayUrl ?? gatewayUrl(facts.gateway);
  const all = facts.gateway && !url ? [...results, fail('gateway-url', 'topology', `Gateway ${config.gateway.namespace}/${config.gateway.name} has no address in its status yet`, 'wait until it is Programmed, or give --gateway-url')] : results;
  return { facts, results: all, canaryNodes: nodes.nodes, gatewayUrl: url ?? '', helm };
}

/**
 * Reads only. Every failed check becomes one problem of an InputError (exit 2): the run
 * stops having changed nothing, and the message says what to fix.
 */
export async function preflight(config: RunConfig, plan: Plan, ports: Ports, report: Reporter, signal: AbortSignal, resume?: RunRecord): Promise<PreflightOutcome> {
  const checked = await checkCluster(config, plan, ports, signal, resume);
  report.say(`cluster answers (Kubernetes ${checked.facts.serverVersion}); helm ${checked.helm}`);
  for (const r of checked.results) report.say(`${ICON[r.status]} ${r.message}${r.status === 'warn' && r.fix ? ` (${r.fix})` : ''}`);
  const problems = failures(checked.results).map((r) => ({ path: `preflight/${r.id}`, message: `${r.message}; ${r.fix ?? ''}`.replace(/; $/, '') }));
  if (problems.length > 0) throw new InputError(problems, { fix: 'nothing was changed; fix the above and run again' });
  return checked;
}
