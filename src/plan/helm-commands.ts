import type { RunConfig } from '../config/types.js';
import type { HelmInvocation } from '../domain/helm-invocation.js';
import { formatDuration } from '../config/duration.js';
import { CHARTS, istiodRelease, ztunnelRelease } from '../mesh/charts.js';
import { MANAGED_BY, MANAGER } from '../mesh/labels.js';
import { chartArgs, chartSource } from './chart-ref.js';

/** Values files found under revisions/<version>/ (the CLI looks; the plan stays pure). */
export interface ValuesFiles {
  readonly controlPlane?: string | undefined;
  readonly dataPlane?: string | undefined;
}

/** `--set` keys are dotted paths: a dot inside a label key must be escaped. */
export function setKey(path: readonly string[]): string {
  return path.map((p) => p.replaceAll('.', '\\.')).join('.');
}

function installArgs(config: RunConfig, release: string, chart: string, valuesFile: string | undefined): string[] {
  return [
    'upgrade',
    '--install',
    release,
    ...chartArgs(chartSource(config.istio.chartRepo), chart, config.istio.chartVersion),
    '--namespace',
    config.istio.namespace,
    '--wait',
    '--timeout',
    formatDuration(config.istio.helmTimeoutMs),
    '--labels',
    `${MANAGED_BY}=${MANAGER}`,
    ...(valuesFile ? ['--values', valuesFile] : []),
  ];
}

function invocation(config: RunConfig, release: string, args: string[]): HelmInvocation {
  return { bin: config.istio.helmBinary, args, release, namespace: config.istio.namespace, mutates: true };
}

/**
 * istiod-<rev>: its own revision, ambient, trusting only the canary's ztunnel name. Istio's chart
 * puts istiod's ServiceAccount, Role and RoleBinding, its validating webhook's Service and its
 * cluster role subjects in `global.istioNamespace` (default istio-system), not in the release
 * namespace, so the run's Istio namespace is passed too.
 */
export function controlPlaneInstall(config: RunConfig, files: ValuesFiles, extra: readonly string[] = []): HelmInvocation {
  const rev = config.to.name;
  const release = istiodRelease(rev);
  return invocation(config, release, [
    ...installArgs(config, release, CHARTS.istiod, files.controlPlane),
    '--set-string',
    `revision=${rev}`,
    '--set',
    'profile=ambient',
    '--set-string',
    `global.istioNamespace=${config.istio.namespace}`,
    '--set-string',
    `trustedZtunnelName=${ztunnelRelease(rev)}`,
    '--set-string',
    `trustedZtunnelNamespace=${config.istio.namespace}`,
    ...extra,
  ]);
}

/** At promote: the same release, now also answering for the `default` tag. */
export function defaultTagInstall(config: RunConfig, files: ValuesFiles): HelmInvocation {
  return controlPlaneInstall(config, files, ['--set', 'revisionTags={default}']);
}

/**
 * ztunnel-<rev>: a second DaemonSet under its own name, only on nodes labelled for it. Its chart
 * names its istiod (CA_ADDRESS, XDS_ADDRESS: istiod-<rev>.<istioNamespace>.svc:15012) by the
 * `istioNamespace` value (default istio-system), not by the release namespace.
 */
export function dataPlaneInstall(config: RunConfig, files: ValuesFiles): HelmInvocation {
  const rev = config.to.name;
  const release = ztunnelRelease(rev);
  return invocation(config, release, [
    ...installArgs(config, release, CHARTS.ztunnel, files.dataPlane),
    '--set-string',
    `revision=${rev}`,
    '--set-string',
    `istioNamespace=${config.istio.namespace}`,
    '--set-string',
    `resourceName=${release}`,
    '--set-string',
    `${setKey(['nodeSelector', config.nodes.label])}=${rev}`,
  ]);
}

/** Stands for a chart version known only at run time (read with `helm list`), where `canary plan` prints a command. */
export const INSTALLED_VERSION = '<installed version>';

/** An installed release: what a `--reuse-values` upgrade of it needs. */
export interface InstalledChart {
  readonly release: string;
  readonly namespace: string;
  /** The chart version it runs now (`helm list`), or INSTALLED_VERSION in a plan. */
  readonly version: string;
}

/**
 * `helm upgrade` of a release at the chart version it already runs, with the values it was
 * given (--reuse-values: helm pkg/action/upgrade.go, reuseValues, takes the release's own
 * chart defaults and user values), plus `set`: only what `set` changes moves. No --install (it
 * must exist) and no --labels (helm keeps a release's labels on upgrade: mergeCustomLabels),
 * so a release ambient-canary did not install stays that way.
 */
function reuseValuesUpgrade(config: RunConfig, chart: string, installed: InstalledChart, set: readonly string[]): HelmInvocation {
  const args = [
    'upgrade',
    installed.release,
    ...chartArgs(chartSource(config.istio.chartRepo), chart, installed.version),
    '--reuse-values',
    ...set,
    '--namespace',
    installed.namespace,
    '--wait',
    '--timeout',
    formatDuration(config.istio.helmTimeoutMs),
  ];
  return { bin: config.istio.helmBinary, args, release: installed.release, namespace: installed.namespace, mutates: true };
}

/**
 * istio-base's defaultRevision to the new revision: the last step of Istio's "Upgrade with
 * Helm" (`helm upgrade istio-base istio/base --set defaultRevision=<new> -n istio-system`), so
 * its istiod-default-validator calls istiod-<new>. At the installed chart version: its CRDs are
 * neither upgraded nor downgraded by it.
 */
export function baseDefaultRevision(config: RunConfig, base: InstalledChart): HelmInvocation {
  return reuseValuesUpgrade(config, CHARTS.base, base, ['--set-string', `defaultRevision=${config.to.name}`]);
}

/**
 * The stable istiod without its revision tags: it keeps serving its own revision, only the tag
 * objects go (templates/revision-tags-mwc.yaml and revision-tags-svc.yaml range over
 * revisionTags). An explicit empty list: with --reuse-values, `--set revisionTags=null` is
 * filled in again from the reused values (helm's coalesce drops the null key, then takes the
 * old [default]; checked with helm 3.22 against the real chart), and `--set revisionTags={}`
 * renders one tag named "". Helm cannot hand those objects from one release to another, so
 * they must go before the canary's release may create them.
 */
export function dropRevisionTags(config: RunConfig, version: string): HelmInvocation {
  const stable = { release: config.istio.stableIstiodRelease, namespace: config.istio.namespace, version };
  return reuseValuesUpgrade(config, CHARTS.istiod, stable, ['--set-json', 'revisionTags=[]']);
}

export function uninstall(config: RunConfig, release: string): HelmInvocation {
  return invocation(config, release, ['uninstall', release, '--namespace', config.istio.namespace, '--wait', '--timeout', formatDuration(config.istio.helmTimeoutMs)]);
}

/**
 * `helm rollback` to `revision` (omitted: helm's own choice, the one before the last): how a
 * release left pending-upgrade by a stopped helm is cleared. `release` defaults to the Istio
 * namespace, where our releases live; istio-base may be elsewhere.
 */
export function rollbackTo(config: RunConfig, release: string | { name: string; namespace: string }, revision: number | undefined): HelmInvocation {
  const { name, namespace } = typeof release === 'string' ? { name: release, namespace: config.istio.namespace } : release;
  const to = revision === undefined ? [] : [String(revision)];
  const args = ['rollback', name, ...to, '--namespace', namespace, '--wait', '--timeout', formatDuration(config.istio.helmTimeoutMs)];
  return { bin: config.istio.helmBinary, args, release: name, namespace, mutates: true };
}

/** Read-only: the objects a revision of a release renders (`helm get manifest`). */
export function releaseManifest(config: RunConfig, release: string, revision: number): HelmInvocation {
  const args = ['get', 'manifest', release, '--revision', String(revision), '--namespace', config.istio.namespace];
  return { ...invocation(config, release, args), mutates: false };
}
