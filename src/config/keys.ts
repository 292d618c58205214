/**
 * Every setting, once: its key in canary.yaml, its flag, its kind and default. Flags and
 * file keys come from this table, so every flag has a key and help text stays true.
 */
export type KeyKind =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'duration'
  | 'revision'
  | 'weights'
  | 'list'
  | 'output'
  | 'ref'
  | 'header'
  | 'percent'
  | 'ratio';

export interface KeySpec {
  /** Dotted path in canary.yaml, e.g. `steps.bake`. */
  readonly path: string;
  /** Long flag without dashes; absent for file-only keys. */
  readonly flag?: string;
  readonly short?: string;
  readonly kind: KeyKind;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  /** Shown in help; the real default is computed in resolve.ts (it may depend on others). */
  readonly defaultText?: string;
  /** A duration that 0 (or 0s) turns off, instead of being refused as too short. */
  readonly zeroTurnsOff?: boolean;
}

export const KEYS: readonly KeySpec[] = [
  { path: 'from', flag: 'from', kind: 'revision', help: 'version running now (1.29.6 or 1-29-6)' },
  { path: 'to', flag: 'to', kind: 'revision', help: 'version to upgrade to (1.30.3 or 1-30-3)' },
  { path: 'allowDowngrade', flag: 'allow-downgrade', kind: 'boolean', help: 'allow --to older than --from', defaultText: 'false' },
  { path: 'kubeconfig', flag: 'kubeconfig', kind: 'string', help: 'kubeconfig file', defaultText: '$KUBECONFIG or ~/.kube/config' },
  { path: 'context', flag: 'context', kind: 'string', help: 'kubeconfig context', defaultText: 'the current context' },
  { path: 'output', flag: 'output', short: 'o', kind: 'output', help: 'table, json or yaml', defaultText: 'table (yaml for plan)' },
  { path: 'dryRun', flag: 'dry-run', kind: 'boolean', help: 'print every change instead of making it', defaultText: 'false' },
  { path: 'keepCanary', flag: 'keep-canary', kind: 'boolean', help: 'on abort, revert traffic but keep the canary objects for inspection', defaultText: 'false' },
  { path: 'yes', flag: 'yes', short: 'y', kind: 'boolean', help: 'answer yes to confirmations (canary prepare)', defaultText: 'false' },
  { path: 'istio.namespace', flag: 'istio-namespace', kind: 'string', help: 'namespace of istiod and ztunnel', defaultText: 'istio-system' },
  { path: 'istio.chartRepo', flag: 'chart-repo', kind: 'string', help: 'Helm repo URL, oci:// reference, repo alias or local chart folder', defaultText: 'https://blob.istio.io/istio-release/charts' },
  { path: 'istio.chartVersion', flag: 'chart-version', kind: 'string', help: 'chart version to install', defaultText: 'the --to version' },
  { path: 'istio.valuesDir', flag: 'values-dir', kind: 'string', help: 'folder of per-version values (<dir>/<version>/control-plane.yaml, data-plane.yaml)', defaultText: 'revisions' },
  { path: 'istio.helm', flag: 'helm', kind: 'string', help: 'helm binary', defaultText: 'helm' },
  { path: 'istio.helmTimeout', flag: 'helm-timeout', kind: 'duration', help: 'timeout of each helm install', min: 1000, defaultText: '5m' },
  { path: 'istio.defaultTag', flag: 'default-tag', kind: 'boolean', help: 'move the default revision tag at promote', defaultText: 'true' },
  { path: 'istio.stableIstiodRelease', flag: 'stable-istiod-release', kind: 'string', help: 'Helm release of the running istiod', defaultText: 'istiod-<from>' },
  { path: 'istio.stableZtunnelRelease', flag: 'stable-ztunnel-release', kind: 'string', help: 'Helm release of the running ztunnel', defaultText: 'ztunnel-<from>' },
  { path: 'nodes.label', flag: 'node-label', kind: 'string', help: 'node label and taint key naming the revision of a node', defaultText: 'istio.io/rev' },
  { path: 'nodes.count', flag: 'node-count', kind: 'integer', min: 1, max: 1000, help: 'how many nodes to take for the canary', defaultText: '1' },
  { path: 'nodes.names', flag: 'canary-nodes', kind: 'list', help: 'comma-separated node names for the canary (instead of choosing)' },
  { path: 'app.name', flag: 'app', kind: 'string', help: 'application; its namespaces are <app>-<revision>', defaultText: 'bookinfo' },
  { path: 'app.stableNamespace', flag: 'stable-namespace', kind: 'string', help: 'namespace of the running workloads', defaultText: '<app>-<from>' },
  { path: 'app.canaryNamespace', flag: 'canary-namespace', kind: 'string', help: 'namespace for the canary copy', defaultText: '<app>-<to>' },
  { path: 'copy.skip', flag: 'copy-skip', kind: 'list', help: 'comma-separated Kind/name of objects in the stable namespace that the copy cannot reproduce faithfully (a Job, an unknown custom resource, a StatefulSet\'s data), accepted as left out; every report names them', defaultText: 'none' },
  { path: 'route', flag: 'route', kind: 'ref', help: 'the HTTPRoute to shift, namespace/name', defaultText: 'istio-ingress/<app>' },
  { path: 'gateway', flag: 'gateway', kind: 'ref', help: 'the Gateway the route attaches to, namespace/name', defaultText: 'istio-ingress/ingress' },
  { path: 'gatewayUrl', flag: 'gateway-url', kind: 'string', help: 'URL that reaches the Gateway from here', defaultText: "from the Gateway's status address and listener port" },
  { path: 'smoke.requests', flag: 'smoke-requests', kind: 'integer', min: 1, max: 100_000, help: 'requests of the smoke test; all must succeed', defaultText: '20' },
  { path: 'smoke.header', flag: 'smoke-header', kind: 'header', help: 'header that routes to the canary only, name=value', defaultText: 'traffic=test' },
  { path: 'smoke.path', flag: 'smoke-path', kind: 'string', help: 'path requested by the smoke test', defaultText: '/' },
  { path: 'steps.weights', flag: 'weights', kind: 'weights', help: 'canary weights in percent, strictly increasing, ending at 100', defaultText: '10,50,100' },
  { path: 'steps.bake', flag: 'bake', kind: 'duration', min: 1, help: 'how long each weight bakes under load', defaultText: '60s' },
  { path: 'steps.until', flag: 'until', kind: 'integer', min: 1, max: 100, help: 'stop after this weight; continue with `canary step`' },
  { path: 'timeouts.rollout', flag: 'rollout-timeout', kind: 'duration', min: 1000, help: 'how long to wait for pods and DaemonSets to be Ready', defaultText: '5m' },
  { path: 'timeouts.drain', flag: 'drain-timeout', kind: 'duration', min: 1000, help: 'how long to wait for a node to drain', defaultText: '5m' },
  { path: 'state.namespace', flag: 'state-namespace', kind: 'string', help: 'namespace of the run record and lock', defaultText: 'istio-system' },
  // ---- The step judge: SLO and load (issue 4). Policy constants live in src/slo/spec.ts. ----
  { path: 'slo.successRate', flag: 'slo-success-rate', kind: 'percent', help: 'success-rate objective in percent; the error budget is 100 minus it', defaultText: '99.5' },
  { path: 'slo.p99', flag: 'slo-p99', kind: 'duration', min: 1, help: 'p99 latency bound: at most 1% of canary responses may be slower', defaultText: '500ms' },
  { path: 'slo.minSamples', flag: 'slo-min-samples', kind: 'integer', min: 1, max: 1_000_000, help: 'canary responses a window needs to count toward the bake', defaultText: '20' },
  { path: 'slo.window', flag: 'slo-window', kind: 'duration', min: 1000, help: 'length of a judged window (at least 1s: a fixed load rate is paced per second)', defaultText: '1s' },
  { path: 'slo.p99Ratio', flag: 'slo-p99-ratio', kind: 'ratio', help: 'the canary p99 may be at most this many times the stable p99', defaultText: '1.5' },
  { path: 'slo.policy', flag: 'slo-policy', kind: 'string', help: 'mesh: abort when the canary is worse than the stable beyond chance, or burns the budget while the stable does not; hold (exit 5) when both break the SLO alike. absolute: abort whenever the canary burns the budget', defaultText: 'mesh' },
  { path: 'slo.falseAbortRate', flag: 'slo-false-abort-rate', kind: 'percent', help: 'mesh policy: most a healthy run may be aborted by chance, over all its steps and looks together, in percent (at most 10)', defaultText: '1' },
  { path: 'load.profile', flag: 'load-profile', kind: 'string', help: 'load profile (YAML: paths, headers, connections, rate, timeout) a weight step bakes under', defaultText: 'loadtests/default.yaml, shipped' },
  // ---- end of the step judge's keys ----
  // ---- Metrics sources: load windows and/or Prometheus (issue 8); see src/metrics and README "Metrics sources". ----
  { path: 'metrics.sources', flag: 'metrics-sources', kind: 'list', help: 'what judges each weight step: load (autocannon through the gateway), prometheus (Istio\'s standard metrics), or load,prometheus (each must pass; any other verdict aborts)', defaultText: 'load' },
  { path: 'metrics.prometheus.url', flag: 'prometheus-url', kind: 'string', help: 'Prometheus base URL, required by the prometheus source' },
  { path: 'metrics.prometheus.timeout', flag: 'prometheus-timeout', kind: 'duration', min: 100, help: 'how long one Prometheus query may take', defaultText: '5s' },
  { path: 'metrics.prometheus.queries.requests', flag: 'prometheus-query-requests', kind: 'string', help: 'PromQL: requests a revision answered since the step began; placeholders {{namespace}}, {{revision}}, {{interval}}', defaultText: 'sum(increase(istio_requests_total{reporter="source",destination_workload_namespace="{{namespace}}"}[{{interval}}]))' },
  { path: 'metrics.prometheus.queries.successRate', flag: 'prometheus-query-success-rate', kind: 'string', help: 'PromQL: a revision\'s success rate as a fraction 0..1, same placeholders', defaultText: 'the non-5xx share of istio_requests_total' },
  { path: 'metrics.prometheus.queries.p99', flag: 'prometheus-query-p99', kind: 'string', help: 'PromQL: a revision\'s p99 latency in ms, same placeholders', defaultText: 'histogram_quantile(0.99, …istio_request_duration_milliseconds_bucket…)' },
  // ---- end of the metrics sources' keys ----
  // ---- Preflight (issue 6) ----
  { path: 'preflight.probe', flag: 'stable-probe', kind: 'duration', zeroTurnsOff: true, min: 1000, help: 'how long preflight sends the load profile to the stable revision, before anything changes, to print its success rate and p99 against the SLO (a stable already out of budget is a warning); 0 turns the probe off', defaultText: '5s' },
  { path: 'maxMinorVersions', flag: 'max-minor-versions', kind: 'integer', min: 1, max: 20, help: 'most minor versions --to may be ahead of --from (istio-cni, never canaried, supports a control plane one minor ahead)', defaultText: '1' },
];

export function keyByPath(path: string): KeySpec | undefined {
  return KEYS.find((k) => k.path === path);
}
