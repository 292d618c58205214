import { isPhaseDone } from '../domain/phase.js';
import { inPhaseOrder, type CheckResult } from './checks.js';
import type { NodeChoice } from './node-selection.js';
import { accessCheck, reachable } from './preflight/access.js';
import { cniAmbient, cniReady, gatewayApi, istioCrds, istiodAmbient, ztunnelPresent } from './preflight/ambient.js';
import { canaryInjectionCheck, stableSidecars } from './preflight/canary-injection.js';
import { copyDifferences, copyFaithful } from './preflight/copy.js';
import { chooseNodes, type PreflightInput } from './preflight/input.js';
import { baseDefaultRevisionCheck } from './preflight/base-validator.js';
import { chartRolesCheck } from './preflight/chart-roles.js';
import { canaryNamespace, canaryReleases } from './preflight/ownership.js';
import { stableZtunnelPinned } from './preflight/pinning.js';
import { mixedNamespaces, sidecarsHbone } from './preflight/sidecars.js';
import { helmCheck, chartsCheck, chartsRender } from './preflight/tools.js';
import { canaryNodes, gateway, gatewayAddress, lock, route, routeExists, routeResolved, stableNamespace } from './preflight/topology.js';
import { fromInstalled, kubernetesVersion, stableZtunnelReady, targetValues, versionGap } from './preflight/versions.js';

export type { ChartProbe, PreflightInput, Probe, RenderProbe, ToolFacts } from './preflight/input.js';
export { chooseNodes, stableIstiod, stableZtunnel } from './preflight/input.js';

type Check = (input: PreflightInput) => CheckResult | undefined;

/** Checks that hold at any point of a run, resumed or not. */
const ALWAYS: readonly Check[] = [
  (i) => reachable(i.access, i.facts.serverVersion),
  (i) => accessCheck(i.access),
  chartRolesCheck,
  helmCheck,
  chartsCheck,
  chartsRender,
  targetValues,
  versionGap,
  kubernetesVersion,
  cniReady,
  cniAmbient,
  ztunnelPresent,
  gatewayApi,
  istioCrds,
  gateway,
  gatewayAddress,
  lock,
  canaryNamespace,
  canaryReleases,
  baseDefaultRevisionCheck,
];

/** Checks about the stable revision and its workloads, which promote removes on purpose. */
const BEFORE_PROMOTE: readonly Check[] = [
  fromInstalled,
  stableZtunnelReady,
  istiodAmbient,
  sidecarsHbone,
  mixedNamespaces,
  canaryInjectionCheck,
  stableSidecars,
  stableNamespace,
  copyFaithful,
  copyDifferences,
  route,
  routeResolved,
];

/**
 * Every check a run makes before changing anything, pure over what was read (cluster facts,
 * access reviews, helm's answers), in the phases of a migration assistant: access, tools,
 * versions, ambient, sidecars, pinning, topology, ownership. A run resumed after its weight
 * steps (promote may have begun) no longer needs the stable revision.
 */
export function preflightChecks(input: PreflightInput): { results: CheckResult[]; nodes: NodeChoice } {
  const nodes = chooseNodes(input);
  const run = (checks: readonly Check[]): CheckResult[] => checks.map((c) => c(input)).filter((r): r is CheckResult => r !== undefined);
  if (isPhaseDone(input.resumedAfter, 'steps')) return { results: inPhaseOrder([...run(ALWAYS), routeExists(input)]), nodes };
  const results = [...run(ALWAYS), ...run(BEFORE_PROMOTE), stableZtunnelPinned(input, nodes), canaryNodes(nodes)];
  return { results: inPhaseOrder(results), nodes };
}
