import type { RunConfig } from '../../config/types.js';
import type { HelmInvocation } from '../../domain/helm-invocation.js';
import { chartArgs, chartSource } from '../../plan/chart-ref.js';
import { fail, pass, type CheckResult } from '../checks.js';
import { helmRecentEnough, helmVersion, MIN_HELM } from '../versions.js';
import type { PreflightInput } from './input.js';

const MIN = `${MIN_HELM[0]}.${MIN_HELM[1]}`;

type ToolInput = Pick<PreflightInput, 'config' | 'tools'>;

/**
 * `helm show chart` with exactly the chart arguments the install uses (plan/chart-ref.ts):
 * for a repo URL or alias it asks the repo for that version; for a folder, helm reads the
 * chart folder (and ignores the version, as it does on install).
 */
export function showChartInvocation(config: RunConfig, chart: string): HelmInvocation {
  const args = ['show', 'chart', ...chartArgs(chartSource(config.istio.chartRepo), chart, config.istio.chartVersion)];
  return { bin: config.istio.helmBinary, args, release: '', namespace: '', mutates: false };
}

/** Helm is there and has `--labels` (how the run marks the releases it owns). */
export function helmCheck({ tools, config }: ToolInput): CheckResult {
  if (!tools.helm.ok) return fail('helm', 'tools', tools.helm.message, tools.helm.fix ?? `install Helm ${MIN} or newer, or point --helm at it`);
  const v = helmVersion(tools.helm.detail);
  if (!v) return fail('helm', 'tools', `\`${config.istio.helmBinary} version --short\` printed "${tools.helm.detail}", not a Helm version`, `point --helm (istio.helm in canary.yaml) at a Helm ${MIN} or newer binary`);
  if (!helmRecentEnough(v)) {
    return fail('helm', 'tools', `helm ${tools.helm.detail} is older than ${MIN}: it has no --labels, which marks the releases ambient-canary owns`, `install Helm ${MIN} or newer (https://helm.sh/docs/intro/install/), or point --helm at one`);
  }
  return pass('helm', 'tools', `helm ${tools.helm.detail} (${MIN}+ needed)`);
}

/** `helm show chart` of every chart the run installs, with the exact arguments the plan uses. */
export function chartsCheck({ tools, config }: ToolInput): CheckResult | undefined {
  if (tools.charts.length === 0) return undefined;
  const missing = tools.charts.filter((c) => !c.probe.ok);
  const source = chartSource(config.istio.chartRepo);
  const where = source.kind === 'folder' ? `folder ${source.path}` : config.istio.chartRepo;
  if (missing.length === 0) {
    const version = source.kind === 'folder' ? '' : ` ${config.istio.chartVersion}`;
    return pass('charts', 'tools', `charts ${tools.charts.map((c) => c.chart).join(' and ')}${version} found in ${where}`);
  }
  const first = missing[0] as (typeof missing)[number];
  const reason = first.probe.ok ? '' : first.probe.message;
  const fix =
    source.kind === 'folder'
      ? `--chart-repo ${config.istio.chartRepo} must be a folder holding the chart folders ${tools.charts.map((c) => c.chart).join(', ')}; check with \`${first.command}\``
      : `check --chart-repo and --chart-version (${config.istio.chartVersion} must exist there); try \`${first.command}\``;
  return fail('charts', 'tools', `chart(s) ${missing.map((c) => c.chart).join(', ')} not found in ${where}: ${reason}`, fix);
}
