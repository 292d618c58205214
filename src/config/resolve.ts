import { InputError, type Problem } from '../domain/errors.js';
import { compareVersions, formatVersion, parseRevision, type Revision } from '../domain/revision.js';
import { DEFAULT_CHART_REPO, DEFAULT_ISTIO_NAMESPACE, istiodRelease, ztunnelRelease } from '../mesh/charts.js';
import { DEFAULT_NODE_LABEL } from '../mesh/labels.js';
import { convert, isNamespaceName } from './convert.js';
import { KEYS } from './keys.js';
import { resolveMetrics } from './metrics.js';
import type { HeaderMatch, ObjectRef, OutputFormat, RunConfig } from './types.js';
import { hasCredentials } from '../domain/url-credentials.js';
import { SLO_POLICIES, type SloPolicy } from '../slo/spec.js';

export interface ResolveInput {
  /** Values by key path: the file's, overridden by the flags'. */
  readonly values: Record<string, unknown>;
  /** Which key paths came from flags, to name problems `--flag` rather than `file: key`. */
  readonly fromFlags: ReadonlySet<string>;
  readonly fileName: string;
  /** `upgrade` and `plan` need both versions; `status` and `abort` find them in the run record. */
  readonly requireVersions: boolean;
  /** Environment defaults the CLI read (KUBECONFIG); nothing below cli/ reads process.env. */
  readonly env: { readonly kubeconfig?: string | undefined };
}

/** A placeholder for commands that act on a recorded run and were given no versions. */
const UNSET = parseRevision('0.0.0') as Revision;

/** canary.yaml values + flags -> one RunConfig, or an InputError listing every problem. */
export function resolveConfig(input: ResolveInput): RunConfig {
  const problems: Problem[] = [];
  const got = new Map<string, unknown>();
  const label = (path: string): string => {
    const spec = KEYS.find((k) => k.path === path);
    if (path in input.values && !input.fromFlags.has(path)) return `${input.fileName}: ${path}`;
    return spec?.flag ? `--${spec.flag}` : path;
  };
  for (const spec of KEYS) {
    if (!(spec.path in input.values)) continue;
    const result = convert(spec, input.values[spec.path]);
    if (result.ok) got.set(spec.path, result.value);
    else problems.push({ path: label(spec.path), message: result.message });
  }
  const value = <T>(path: string, fallback: T): T => (got.has(path) ? (got.get(path) as T) : fallback);

  const from = value<Revision | undefined>('from', undefined);
  const to = value<Revision | undefined>('to', undefined);
  if (input.requireVersions) {
    if (!from && !problems.some((p) => p.path === label('from'))) problems.push({ path: '--from', message: 'is required: the version running now, for example --from 1.29.6' });
    if (!to && !problems.some((p) => p.path === label('to'))) problems.push({ path: '--to', message: 'is required: the version to upgrade to, for example --to 1.30.3' });
  }
  const allowDowngrade = value('allowDowngrade', false);
  if (from && to) problems.push(...versionProblems(from, to, allowDowngrade, label));

  const metrics = resolveMetrics(value, label);
  problems.push(...metrics.problems);
  const fromRev = from ?? UNSET;
  const toRev = to ?? UNSET;
  const app = value('app.name', 'bookinfo');
  const config: RunConfig = {
    from: fromRev,
    to: toRev,
    allowDowngrade,
    maxMinorVersions: value('maxMinorVersions', 1),
    preflight: { probeMs: value('preflight.probe', 5000) },
    kube: { kubeconfig: value<string | undefined>('kubeconfig', input.env.kubeconfig), context: value<string | undefined>('context', undefined) },
    output: value<OutputFormat>('output', 'table'),
    dryRun: value('dryRun', false),
    keepCanary: value('keepCanary', false),
    yes: value('yes', false),
    istio: {
      namespace: value('istio.namespace', DEFAULT_ISTIO_NAMESPACE),
      chartRepo: value('istio.chartRepo', DEFAULT_CHART_REPO),
      chartVersion: value('istio.chartVersion', formatVersion(toRev.version)),
      valuesDir: value('istio.valuesDir', 'revisions'),
      helmBinary: value('istio.helm', 'helm'),
      helmTimeoutMs: value('istio.helmTimeout', 300_000),
      defaultTag: value('istio.defaultTag', true),
      stableIstiodRelease: value('istio.stableIstiodRelease', istiodRelease(fromRev.name)),
      stableZtunnelRelease: value('istio.stableZtunnelRelease', ztunnelRelease(fromRev.name)),
    },
    nodes: {
      label: value('nodes.label', DEFAULT_NODE_LABEL),
      count: value('nodes.count', 1),
      names: value<string[]>('nodes.names', []),
    },
    app: {
      name: app,
      stableNamespace: value('app.stableNamespace', `${app}-${fromRev.name}`),
      canaryNamespace: value('app.canaryNamespace', `${app}-${toRev.name}`),
    },
    copy: { skip: value<string[]>('copy.skip', []) },
    route: value<ObjectRef>('route', { namespace: 'istio-ingress', name: app }),
    gateway: value<ObjectRef>('gateway', { namespace: 'istio-ingress', name: 'ingress' }),
    gatewayUrl: value<string | undefined>('gatewayUrl', undefined),
    smoke: {
      requests: value('smoke.requests', 20),
      header: value<HeaderMatch>('smoke.header', { name: 'traffic', value: 'test' }),
      path: value('smoke.path', '/'),
    },
    steps: {
      weights: value<number[]>('steps.weights', [10, 50, 100]),
      bakeMs: value('steps.bake', 60_000),
      until: value<number | undefined>('steps.until', undefined),
    },
    timeouts: { rolloutMs: value('timeouts.rollout', 300_000), drainMs: value('timeouts.drain', 300_000) },
    state: { namespace: value('state.namespace', DEFAULT_ISTIO_NAMESPACE) },
    slo: {
      // Kept as a fraction, rounded so 99.9 is 0.999 and not 0.9990000000000001.
      successRate: Number((value('slo.successRate', 99.5) / 100).toFixed(10)),
      p99Ms: value('slo.p99', 500),
      minSamples: value('slo.minSamples', 20),
      windowMs: value('slo.window', 1000),
      p99Ratio: value('slo.p99Ratio', 1.5),
      policy: value<string>('slo.policy', 'mesh') as SloPolicy,
      falseAbortRate: Number((value('slo.falseAbortRate', 1) / 100).toFixed(10)),
    },
    load: { profile: value<string | undefined>('load.profile', undefined) },
    metrics: metrics.metrics,
  };
  problems.push(...crossProblems(config, got, label));
  if (problems.length > 0) throw new InputError(problems);
  return config;
}

function versionProblems(from: Revision, to: Revision, allowDowngrade: boolean, label: (p: string) => string): Problem[] {
  const order = compareVersions(from.version, to.version);
  if (order === 0) {
    return [{ path: label('to'), message: `is the version already running (${formatVersion(from.version)}): give the version to upgrade to` }];
  }
  if (order > 0 && !allowDowngrade) {
    return [{ path: label('to'), message: `${formatVersion(to.version)} is older than --from ${formatVersion(from.version)}: swap them, or add --allow-downgrade if you mean to go back` }];
  }
  return [];
}

function crossProblems(c: RunConfig, got: ReadonlyMap<string, unknown>, label: (p: string) => string): Problem[] {
  const problems: Problem[] = [];
  const ns: Array<[string, string]> = [
    ['istio.namespace', c.istio.namespace],
    ['app.stableNamespace', c.app.stableNamespace],
    ['app.canaryNamespace', c.app.canaryNamespace],
    ['state.namespace', c.state.namespace],
  ];
  for (const [path, name] of ns) {
    if (got.has(path) && !isNamespaceName(name)) problems.push({ path: label(path), message: `"${name}" is not a valid namespace name: use lower-case letters, digits and - (at most 63 characters)` });
  }
  if (got.has('app.name') && !isNamespaceName(`${c.app.name}-${c.to.name}`)) {
    problems.push({ path: label('app.name'), message: `"${c.app.name}" does not make valid namespace names (<app>-<revision>): use a shorter name of lower-case letters, digits and -` });
  }
  if (c.app.stableNamespace === c.app.canaryNamespace && c.from.name !== c.to.name) {
    problems.push({ path: label(got.has('app.canaryNamespace') ? 'app.canaryNamespace' : 'app.stableNamespace'), message: `stable and canary namespaces are both "${c.app.stableNamespace}": they must differ: give another --canary-namespace` });
  }
  if (!(SLO_POLICIES as readonly string[]).includes(c.slo.policy)) {
    problems.push({ path: label('slo.policy'), message: `"${c.slo.policy}" is not a policy: write mesh (judge the new revision against the old) or absolute (judge the canary against the budget alone)` });
  }
  if (c.slo.falseAbortRate > 0.1) {
    problems.push({ path: label('slo.falseAbortRate'), message: `${100 * c.slo.falseAbortRate}% would abort more than one healthy run in ten by chance: write at most 10, for example 1` });
  }
  if (c.route.namespace === c.app.stableNamespace) {
    problems.push({ path: label('route'), message: `the route lives in the stable namespace ${c.app.stableNamespace}, which promote removes: keep the route in a namespace that outlives revisions (for example istio-ingress)` });
  }
  // Every helm command is printed (plan, --dry-run, progress, errors): a secret in the URL would be too. Never echoed here either.
  if (hasCredentials(c.istio.chartRepo)) {
    problems.push({ path: label('istio.chartRepo'), message: 'carries credentials (user:token@), which every printed helm command would show: add the repo with `helm repo add istio <url> --username <user> --password-stdin` (or `helm registry login` for oci://) and give --chart-repo istio' });
  }
  // The pattern alone passes a URL no client can parse (a port past 65535): it would fail only at the smoke test, after the install.
  if (c.gatewayUrl !== undefined && (!/^https?:\/\/[^/\s]+/.test(c.gatewayUrl) || !URL.canParse(c.gatewayUrl))) {
    problems.push({ path: label('gatewayUrl'), message: `expects an http:// or https:// URL, got "${c.gatewayUrl}": write for example http://127.0.0.1:8080` });
  } else if (c.gatewayUrl !== undefined && hasCredentials(c.gatewayUrl)) {
    // Neither the smoke test (fetch refuses them, quoting the URL into the record) nor the load can use them; never echoed.
    problems.push({ path: label('gatewayUrl'), message: 'carries credentials (user:password@), which the smoke test and the load cannot send: give the URL without them' });
  }
  if (c.steps.until !== undefined && !c.steps.weights.includes(c.steps.until)) {
    problems.push({ path: label('steps.until'), message: `${c.steps.until} is not one of the weights ${c.steps.weights.join(',')}: give one of them, or leave --until out` });
  }
  if (c.nodes.names.length > 0 && got.has('nodes.count') && c.nodes.count !== c.nodes.names.length) {
    problems.push({ path: label('nodes.count'), message: `says ${c.nodes.count} but --canary-nodes names ${c.nodes.names.length}: give one or the other` });
  }
  return problems;
}
