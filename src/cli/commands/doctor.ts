import { buildPlan } from '../../plan/build.js';
import { checkCluster, ICON, type CheckedCluster } from '../../orchestrator/preflight.js';
import { failures, GROUPS, summarizeGroups, type CheckGroup, type CheckStatus, type GroupSummary } from '../../mesh/checks.js';
import { composePorts } from '../compose.js';
import { printData } from '../io.js';
import { settingsToConfig } from '../settings.js';
import { valuesFiles } from '../values-files.js';
import { environmentOf, kubeEnv, type Command } from './context.js';

/**
 * `canary doctor -o json`: a stable schema for machines. Every check has every key (`fix` is
 * null when there is nothing to fix); `ok` is true when no check failed (warnings allowed).
 */
export interface DoctorReport {
  readonly schemaVersion: 1;
  readonly ok: boolean;
  readonly kubernetes: string | null;
  readonly helm: string | null;
  readonly canaryNodes: readonly string[];
  readonly gatewayUrl: string | null;
  readonly groups: readonly GroupSummary[];
  readonly checks: readonly { id: string; group: CheckGroup; status: CheckStatus; message: string; fix: string | null }[];
}

export function doctorReport(checked: CheckedCluster): DoctorReport {
  return {
    schemaVersion: 1,
    ok: failures(checked.results).length === 0,
    kubernetes: checked.facts?.serverVersion ?? null,
    helm: checked.helm ?? null,
    canaryNodes: checked.canaryNodes,
    gatewayUrl: checked.gatewayUrl || null,
    groups: summarizeGroups(checked.results),
    checks: checked.results.map((r) => ({ id: r.id, group: r.group, status: r.status, message: r.message, fix: r.fix ?? null })),
  };
}

/** The table: one block per phase, each check with its fix under it when it did not pass. */
export function doctorTable(report: DoctorReport): string {
  const lines = [`Kubernetes ${report.kubernetes ?? 'unknown'}, helm ${report.helm ?? 'not found'}`];
  for (const group of GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    lines.push('', group);
    for (const c of checks) {
      lines.push(`  ${ICON[c.status]}  ${c.id.padEnd(20)} ${c.message}`);
      if (c.fix && c.status !== 'pass') lines.push(`${' '.repeat(29)}fix: ${c.fix}`);
    }
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  const verdict = failed === 0 ? `Ready for \`canary upgrade\`${warned > 0 ? ` (${warned} warning(s))` : ''}.` : `${failed} check(s) failed: fix them before \`canary upgrade\`.`;
  return [...lines, '', verdict, ''].join('\n');
}

/** `canary doctor`: the preflight checks as a report; changes nothing. Exit 0 when nothing fails, 2 otherwise. */
export const doctorCommand: Command = async (ctx) => {
  const { settings, io, signal } = ctx;
  const config = settingsToConfig(settings, true, kubeEnv(io));
  const plan = buildPlan(config, valuesFiles(config, io.cwd));
  const ports = composePorts(config, plan, environmentOf(ctx));
  const report = doctorReport(await checkCluster(config, plan, ports, signal));
  printData(io, config.output, report, () => doctorTable(report));
  return report.ok ? 0 : 2;
};
