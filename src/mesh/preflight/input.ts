import type { RunConfig } from '../../config/types.js';
import type { Phase } from '../../domain/phase.js';
import type { RouteContext } from '../../gateway-api/rules.js';
import type { AccessFacts } from '../access.js';
import type { ChartRoleFacts } from '../chart-roles.js';
import type { ClusterFacts, DaemonSetFacts, DeploymentFacts, MeshFacts } from '../cluster-facts.js';
import { REV } from '../labels.js';
import { chooseCanaryNodes, type NodeChoice } from '../node-selection.js';

/** The outcome of one look at a tool: what it said, or what went wrong and how to fix it. */
export type Probe = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly message: string; readonly fix: string | undefined };

export interface ChartProbe {
  readonly chart: string;
  /** The exact command run, so the user can repeat it. */
  readonly command: string;
  readonly probe: Probe;
}

/** `helm template` of one install the run makes, with its values file, if it has one. */
export interface RenderProbe extends ChartProbe {
  readonly valuesFile: string | undefined;
  /** What helm printed: the objects the install will create. */
  readonly manifest?: string | undefined;
}

/** What the tools said: `helm version --short`, and `helm show chart` for each chart the run installs. */
export interface ToolFacts {
  readonly helm: Probe;
  /** Empty when helm itself could not run. */
  readonly charts: readonly ChartProbe[];
  /** `helm template` of each install with the run's values; absent when the charts were not found. */
  readonly renders?: readonly RenderProbe[] | undefined;
}

export interface PreflightInput {
  readonly config: RunConfig;
  readonly facts: ClusterFacts;
  readonly mesh: MeshFacts;
  readonly route: RouteContext;
  readonly access: AccessFacts;
  /** The access reviews about the roles the charts render; absent when they were not rendered. */
  readonly chartRoles?: ChartRoleFacts | undefined;
  readonly tools: ToolFacts;
  /** Who this process would hold the run lock as, and the time now (ms), to judge the Lease. */
  readonly holder: string;
  readonly now: number;
  /**
   * The run lock's own answer: true when this holder may take it even though the Lease names
   * someone else (that run is known to be gone, or --force-unlock). Unasked: judged from the Lease.
   */
  readonly lockFree?: boolean | undefined;
  /** The last phase a resumed run completed: once promote may have begun, the stable revision is going away on purpose. */
  readonly resumedAfter?: Phase | undefined;
}

export function chooseNodes({ config, facts }: Pick<PreflightInput, 'config' | 'facts'>): NodeChoice {
  return chooseCanaryNodes({ nodes: facts.nodes, label: config.nodes.label, stable: config.from.name, canary: config.to.name, count: config.nodes.count, named: config.nodes.names });
}

export function stableIstiod(config: RunConfig, facts: ClusterFacts): DeploymentFacts | undefined {
  return facts.istiods.find((d) => d.name === `istiod-${config.from.name}` || (d.labels[REV] === config.from.name && d.name.startsWith('istiod')));
}

/** The running ztunnel: by its Helm release, else by its revision (a label, or the chart's annotation). */
export function stableZtunnel(config: RunConfig, facts: Pick<ClusterFacts, 'ztunnels'>): DaemonSetFacts | undefined {
  return facts.ztunnels.find((d) => d.release === config.istio.stableZtunnelRelease) ?? facts.ztunnels.find((d) => d.revision === config.from.name);
}

/** `a, b, c and 4 more`: long lists stay readable in a one-line message. */
export function listed(items: readonly string[], max = 6, separator = ', '): string {
  return items.length <= max ? items.join(separator) : `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}
