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

export function uninstall(config: RunConfig, release: string): HelmInvocation {
  return invocation(config, release, ['uninstall', release, '--namespace', config.istio.namespace, '--wait', '--timeout', formatDuration(config.istio.helmTimeoutMs)]);
}
