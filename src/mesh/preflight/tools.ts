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

/**
 * The install as `helm template`: the same chart, release name, namespace, values files and
 * --set values, rendered without a cluster (helm template takes the install's flags), so the
 * chart's own checks run before anything changes.
 */
export function renderInvocation(install: HelmInvocation): HelmInvocation {
  const args = install.args[0] === 'upgrade' && install.args[1] === '--install' ? ['template', ...install.args.slice(2)] : ['template', ...install.args];
  return { bin: install.bin, args, release: '', namespace: '', mutates: false };
}

/** The `--values` file an install passes, if any (revisions/<version>/*.yaml). */
export function valuesFileOf(install: HelmInvocation): string | undefined {
  const at = install.args.indexOf('--values');
  return at >= 0 ? install.args[at + 1] : undefined;
}

/** `helm fail`s Istio's charts make on a choice they do not ship a file for (templates/zzz_profile.yaml). */
const CHART_CHOICE = /unknown (profile|platform|compatibility version) (\S+)/;
const CHOICE_FILE: Readonly<Record<string, string>> = {
  profile: 'profile-',
  platform: 'profile-platform-',
  'compatibility version': 'profile-compatibility-version-',
};

/**
 * Istio's charts refuse a profile, platform or compatibility version they ship no file for
 * (zzz_profile.yaml: `fail (cat "unknown profile" .)` over files/profile-*.yaml,
 * profile-platform-*.yaml, profile-compatibility-version-*.yaml). The run sets profile=ambient
 * itself; a values file under revisions/ may set `platform`, `global.platform`,
 * `compatibilityVersion` (or, for ztunnel, `profile`): rendered here, a refusal is bad input.
 */
export function chartsRender({ tools }: ToolInput): CheckResult | undefined {
  const renders = tools.renders ?? [];
  if (renders.length === 0) return undefined;
  const failed = renders.find((r) => !r.probe.ok);
  if (!failed) {
    const files = renders.flatMap((r) => (r.valuesFile ? [r.valuesFile] : []));
    return pass('chart-values', 'tools', `charts ${renders.map((r) => r.chart).join(' and ')} render with the run's values${files.length > 0 ? ` (${files.join(', ')})` : ''}`);
  }
  const reason = failed.probe.ok ? '' : failed.probe.message;
  const choice = CHART_CHOICE.exec(reason);
  const where = failed.valuesFile ? ` in ${failed.valuesFile}` : '';
  const fix = choice
    ? `the ${failed.chart} chart ships no files/${CHOICE_FILE[choice[1] as string] ?? 'profile-'}${choice[2]}.yaml: correct or remove that ${choice[1]}${where} (the chart's files/ folder holds every name it knows); nothing was changed`
    : `correct the values the chart refuses${where}; see the whole output with \`${failed.command}\``;
  return fail('chart-values', 'tools', `the ${failed.chart} chart refuses the run's values${where}: ${reason}`, fix);
}

