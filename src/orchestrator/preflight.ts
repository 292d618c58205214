import { copyReport, planCopy, type CloneReport } from '../plan/copy-plan.js';
import { cloneOptions } from '../plan/manifests.js';
import type { RunConfig } from '../config/types.js';
import { InputError, LockedError } from '../domain/errors.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { BaselineRecord, RunRecord } from '../domain/run-record.js';
import { requiredAccess, type AccessFacts } from '../mesh/access.js';
import { CHARTS } from '../mesh/charts.js';
import { escalationRequirements, renderedRoles, rulesToReview, unique, type ChartRoleFacts } from '../mesh/chart-roles.js';
import type { CheckResult } from '../mesh/checks.js';
import { failures, inPhaseOrder } from '../mesh/checks.js';
import type { ClusterFacts, InspectQuery, MeshFacts, MeshQuery } from '../mesh/cluster-facts.js';
import { gatewayUrl } from '../mesh/gateway-url.js';
import { preflightChecks, type ChartProbe, type Probe, type RenderProbe, type ToolFacts } from '../mesh/preflight.js';
import { accessCheck, reachable, unreachable, unreadable } from '../mesh/preflight/access.js';
import { chartRolesCheck } from '../mesh/preflight/chart-roles.js';
import { GATEWAY_API_KINDS } from '../mesh/preflight/ambient.js';
import { chartsCheck, chartsRender, helmCheck, renderInvocation, showChartInvocation, valuesFileOf } from '../mesh/preflight/tools.js';
import { recordedStableSlo, stableSloCheck, stableSloSkipped, stableSloUnmeasured } from '../mesh/preflight/stable-slo.js';
import { LOCK_LEASE } from '../mesh/preflight/topology.js';
import type { Plan } from '../plan/build.js';
import type { Ports, Reporter } from './context.js';

export interface PreflightOutcome {
  readonly facts: ClusterFacts;
  readonly results: readonly CheckResult[];
  readonly canaryNodes: readonly string[];
  readonly gatewayUrl: string;
  /** The stable as the probe measured it just now, for the run record; absent when not measured or not judged. */
  readonly baseline: BaselineRecord | undefined;
  /** The canary copy as it would be made from the stable namespace just read (names only), for `--dry-run`. */
  readonly copy: CloneReport;
}

/** What `canary doctor` shows: every check, and the facts when the cluster could be read at all. */
export interface CheckedCluster {
  readonly facts: ClusterFacts | undefined;
  readonly mesh: MeshFacts | undefined;
  readonly results: readonly CheckResult[];
  readonly canaryNodes: readonly string[];
  readonly gatewayUrl: string;
  /** `helm version --short`, when helm ran. */
  readonly helm: string | undefined;
  /** The stable measured under load (the `stable-slo` check), when it ran and could be judged. */
  readonly baseline?: BaselineRecord | undefined;
}

export function inspectQuery(config: RunConfig): InspectQuery {
  return {
    istioNamespace: config.istio.namespace,
    namespaces: [...new Set([config.istio.namespace, config.app.stableNamespace, config.app.canaryNamespace, config.route.namespace, config.gateway.namespace, config.state.namespace])],
    route: config.route,
    gateway: config.gateway,
  };
}

export function meshQuery(config: RunConfig): MeshQuery {
  return { istioNamespace: config.istio.namespace, stableNamespace: config.app.stableNamespace, lease: { namespace: config.state.namespace, name: LOCK_LEASE }, served: GATEWAY_API_KINDS };
}

export const ICON = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

type Attempt<T> = { ok: true; value: T } | { ok: false; error: Error & { fix?: string | undefined } };

/** A read whose failure becomes a check result; an interrupt still interrupts. */
async function attempt<T>(signal: AbortSignal, read: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

function probeOf<T>(a: Attempt<T>, detail: (v: T) => string): Probe {
  return a.ok ? { ok: true, detail: detail(a.value) } : { ok: false, message: a.error.message, fix: a.error.fix };
}

/**
 * `helm version`, then `helm show chart` for each chart the run installs, with the plan's chart
 * arguments; once both are found, `helm template` of the installs themselves (the istiod one
 * as promote makes it, when it adds the default tag), so a chart refusing the run's values is
 * found before anything changes.
 */
async function toolFacts(config: RunConfig, plan: Plan, ports: Ports, signal: AbortSignal): Promise<ToolFacts> {
  const helm = probeOf(await attempt(signal, () => ports.helm.version(signal)), (v) => v);
  if (!helm.ok) return { helm, charts: [] };
  const charts = await Promise.all(
    [CHARTS.istiod, CHARTS.ztunnel].map(async (chart): Promise<ChartProbe> => {
      const invocation = showChartInvocation(config, chart);
      const shown = await attempt(signal, () => ports.helm.run(invocation, signal));
      return { chart, command: formatInvocation(invocation), probe: probeOf(shown, (r) => r.stdout.split('\n').find((l) => l.startsWith('version:')) ?? 'found') };
    }),
  );
  if (!charts.every((c) => c.probe.ok)) return { helm, charts };
  const installs: [string, HelmInvocation][] = [[CHARTS.istiod, plan.helm.defaultTag ?? plan.helm.controlPlane], [CHARTS.ztunnel, plan.helm.dataPlane]];
  const renders = await Promise.all(
    installs.map(async ([chart, install]): Promise<RenderProbe> => {
      const invocation = renderInvocation(install);
      const rendered = await attempt(signal, () => ports.helm.run(invocation, signal));
      const manifest = rendered.ok ? rendered.value.stdout : undefined;
      return { chart, command: formatInvocation(invocation), valuesFile: valuesFileOf(install), manifest, probe: probeOf(rendered, () => 'rendered') };
    }),
  );
  return { helm, charts, renders };
}

/**
 * The Roles and ClusterRoles the installs render (`helm template` above) and whether helm, as
 * this user, may create and bind them: first `escalate` (no name) and `bind` on each, then, for
 * each role that falls short, every rule it grants (src/mesh/chart-roles.ts).
 */
async function chartRoleFacts(config: RunConfig, tools: ToolFacts, ports: Ports, signal: AbortSignal, context: string): Promise<ChartRoleFacts | undefined> {
  const roles = (tools.renders ?? []).filter((r) => r.probe.ok).flatMap((r) => renderedRoles(r.manifest ?? '', config.istio.namespace));
  if (roles.length === 0) return undefined;
  const reviewed = await attempt(signal, async () => {
    const escalation = (await ports.reader.reviewAccess(unique(roles.flatMap(escalationRequirements)), signal)).answers;
    const rules = rulesToReview(roles, escalation);
    return rules.length === 0 ? escalation : [...escalation, ...(await ports.reader.reviewAccess(rules, signal)).answers];
  });
  return reviewed.ok ? { context, roles, answers: reviewed.value } : { context, roles, answers: [], error: reviewed.error.message };
}

/** Resumed runs keep their canary nodes, whatever --canary-nodes says now. */
function effectiveConfig(config: RunConfig, resume: RunRecord | undefined): RunConfig {
  const names = resume?.canaryNodes.map((n) => n.name) ?? [];
  return names.length > 0 ? { ...config, nodes: { ...config.nodes, names, count: names.length } } : config;
}

/**
 * Reads the cluster and the tools, and evaluates every check. Access comes first: if the
 * cluster does not answer, that is the one result; if a read is refused, the access check
 * says which permissions are missing. Once every check passed, the stable is measured under
 * the load profile (`stable-slo`, the last result). Throws only when interrupted.
 */
export async function checkCluster(config: RunConfig, plan: Plan, ports: Ports, signal: AbortSignal, resume?: RunRecord, say: (line: string) => void = () => undefined): Promise<CheckedCluster> {
  const none = { facts: undefined, mesh: undefined, canaryNodes: [], gatewayUrl: '', helm: undefined };
  const access = await attempt(signal, () => ports.reader.reviewAccess(requiredAccess(config), signal));
  if (!access.ok) return { ...none, results: [unreachable(access.error.message, access.error.fix)] };
  const [read, tools] = await Promise.all([attempt(signal, () => readCluster(config, ports, signal)), toolFacts(config, plan, ports, signal)]);
  const helm = tools.helm.ok ? tools.helm.detail : undefined;
  const chartRoles = await chartRoleFacts(config, tools, ports, signal, access.value.context);
  if (!read.ok) return { ...none, helm, results: unreadableResults(config, access.value, chartRoles, tools, read.error) };
  const { facts, mesh } = read.value;
  const lockFree = (await ports.lock.blocker(ports.holder, signal)) === undefined;
  const input = { config: effectiveConfig(config, resume), facts, mesh, route: plan.route.context, access: access.value, chartRoles, tools, holder: ports.holder, now: ports.clock().getTime(), resumedAfter: resume?.phase, lockFree };
  const { results, nodes } = preflightChecks(input);
  const url = config.gatewayUrl ?? gatewayUrl(facts.gateway) ?? '';
  const checked = { facts, mesh, results, canaryNodes: nodes.nodes, gatewayUrl: url, helm };
  // The load goes out only once every read-only check passed: there is nothing to measure against a refused run.
  if (failures(results).length > 0) return checked;
  const probed = await probeStable(config, plan, ports, signal, url, resume, say);
  return { ...checked, results: [...results, probed.result], baseline: probed.baseline };
}

/**
 * `stable-slo`: the stable under the load profile for `preflight.probe`, before anything
 * changes. A resumed run is not measured again (its route may be split by now): it shows the
 * figures recorded when it started.
 */
async function probeStable(config: RunConfig, plan: Plan, ports: Ports, signal: AbortSignal, url: string, resume: RunRecord | undefined, say: (line: string) => void): Promise<{ result: CheckResult; baseline?: BaselineRecord | undefined }> {
  if (resume) return { result: recordedStableSlo(resume) };
  const durationMs = config.preflight.probeMs;
  if (durationMs === 0) return { result: stableSloSkipped('--stable-probe (preflight.probe) is 0') };
  say(`read-only checks passed; measuring the stable revision ${plan.revisions.stable} under the load profile for ${durationMs / 1000} s, before anything changes`);
  const measured = await attempt(signal, () => ports.probe.measure({ url, revisions: plan.revisions, durationMs }, signal));
  if (!measured.ok) return { result: stableSloUnmeasured(measured.error.message, measured.error.fix) };
  return stableSloCheck({ measurement: measured.value, slo: config.slo, stable: plan.revisions.stable, measuredAt: ports.clock().toISOString() });
}

async function readCluster(config: RunConfig, ports: Ports, signal: AbortSignal): Promise<{ facts: ClusterFacts; mesh: MeshFacts }> {
  const [facts, mesh] = await Promise.all([ports.reader.inspect(inspectQuery(config), signal), ports.reader.inspectMesh(meshQuery(config), signal)]);
  return { facts, mesh };
}

function unreadableResults(
  config: RunConfig,
  access: AccessFacts,
  chartRoles: ChartRoleFacts | undefined,
  tools: ToolFacts,
  error: Error & { fix?: string | undefined },
): CheckResult[] {
  const checks = [
    reachable(access, undefined),
    accessCheck(access),
    chartRolesCheck({ chartRoles }),
    unreadable(error.message, error.fix),
    helmCheck({ config, tools }),
    chartsCheck({ config, tools }),
    chartsRender({ config, tools }),
  ];
  return inPhaseOrder(checks.filter((r): r is CheckResult => r !== undefined));
}

/**
 * Reads only. Every failed check becomes one problem of an InputError (exit 2): the run
 * stops having changed nothing, and the message says what to fix. When the only thing in
 * the way is another run's lock, it is a LockedError (exit 4), as for a lock taken later.
 */
export async function preflight(config: RunConfig, plan: Plan, ports: Ports, report: Reporter, signal: AbortSignal, resume?: RunRecord): Promise<PreflightOutcome> {
  const checked = await checkCluster(config, plan, ports, signal, resume, (line) => report.say(line));
  if (checked.facts) report.say(`cluster answers (Kubernetes ${checked.facts.serverVersion}); helm ${checked.helm ?? 'not found'}`);
  for (const r of checked.results) report.say(`${ICON[r.status]} ${r.message}${r.status === 'warn' && r.fix ? ` (${r.fix})` : ''}`);
  const failed = failures(checked.results);
  const lease = checked.mesh?.lease;
  if (failed.length === 1 && failed[0]?.id === 'lock' && lease?.holder) {
    throw new LockedError(lease.holder, lease.acquiredAt, { object: `Lease ${lease.namespace}/${lease.name}`, fix: `${failed[0].fix ?? ''}; nothing was changed` });
  }
  const problems = failed.map((r) => ({ path: `preflight/${r.id}`, message: `${r.message}; ${r.fix ?? ''}`.replace(/; $/, '') }));
  if (problems.length > 0 || !checked.facts) throw new InputError(problems, { fix: 'nothing was changed; fix the above and run again' });
  const copy = copyReport(planCopy(checked.mesh?.stableObjects ?? [], cloneOptions(config)));
  return { facts: checked.facts, results: checked.results, canaryNodes: checked.canaryNodes, gatewayUrl: checked.gatewayUrl, baseline: checked.baseline, copy };
}
