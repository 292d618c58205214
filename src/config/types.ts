import type { Revision } from '../domain/revision.js';
import type { MetricsConfig } from './metrics.js';
import type { SloPolicy } from '../slo/spec.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface HeaderMatch {
  readonly name: string;
  readonly value: string;
}

/** Everything a run needs, parsed and checked once at the edge (canary.yaml + flags). */
export interface RunConfig {
  readonly from: Revision;
  readonly to: Revision;
  readonly allowDowngrade: boolean;
  /** How many minor versions --to may be ahead of --from (preflight refuses more). */
  readonly maxMinorVersions: number;
  readonly preflight: {
    /** How long preflight measures the stable revision under the load profile; 0: not at all. */
    readonly probeMs: number;
  };
  readonly kube: { readonly kubeconfig: string | undefined; readonly context: string | undefined };
  readonly output: OutputFormat;
  readonly dryRun: boolean;
  readonly keepCanary: boolean;
  readonly yes: boolean;
  readonly istio: {
    readonly namespace: string;
    readonly chartRepo: string;
    /** Chart version to install; defaults to the target version. */
    readonly chartVersion: string;
    readonly valuesDir: string;
    readonly helmBinary: string;
    readonly helmTimeoutMs: number;
    /** Move the `default` revision tag to the new revision at promote. */
    readonly defaultTag: boolean;
    readonly stableIstiodRelease: string;
    readonly stableZtunnelRelease: string;
  };
  readonly nodes: {
    /** Node label (and taint key) that says which revision's ztunnel runs on a node. */
    readonly label: string;
    /** How many nodes to take for the canary when none are named. */
    readonly count: number;
    /** Nodes named by the user (`--canary-nodes`); empty means choose. */
    readonly names: readonly string[];
  };
  readonly copy: {
    /** `Kind/name` of stable objects whose unfaithful copy the user accepts (plan/copy-inventory.ts). */
    readonly skip: readonly string[];
  };
  readonly app: {
    readonly name: string;
    readonly stableNamespace: string;
    readonly canaryNamespace: string;
  };
  readonly route: ObjectRef;
  readonly gateway: ObjectRef;
  /** How to reach the Gateway from where the tool runs; discovered from its status when unset. */
  readonly gatewayUrl: string | undefined;
  readonly smoke: { readonly requests: number; readonly header: HeaderMatch; readonly path: string };
  readonly steps: {
    /** Canary weights in percent, strictly increasing, ending at 100. */
    readonly weights: readonly number[];
    readonly bakeMs: number;
    /** Stop after this weight (`--until`); the run waits for `step` or `promote`. */
    readonly until: number | undefined;
  };
  readonly timeouts: { readonly rolloutMs: number; readonly drainMs: number };
  readonly state: { readonly namespace: string };
  /** What a weight step is judged by (see src/slo/spec.ts for the judge's fixed policy). */
  readonly slo: {
    /** Success-rate objective as a fraction (99.5% -> 0.995). */
    readonly successRate: number;
    readonly p99Ms: number;
    readonly minSamples: number;
    readonly windowMs: number;
    readonly p99Ratio: number;
    readonly policy: SloPolicy;
    /** The mesh policy's run-wide false-abort rate α, as a fraction. */
    readonly falseAbortRate: number;
  };
  /** The load profile file; undefined: the shipped loadtests/default.yaml. */
  readonly load: { readonly profile: string | undefined };
  /** Which sources judge a weight step, and how to ask Prometheus (src/config/metrics.ts). */
  readonly metrics: MetricsConfig;
}
