import { buildPlan } from '../../plan/build.js';
import { checkCluster, ICON } from '../../orchestrator/preflight.js';
import { failures } from '../../mesh/checks.js';
import { composePorts } from '../compose.js';
import { printData } from '../io.js';
import { settingsToConfig } from '../settings.js';
import { valuesFiles } from '../values-files.js';
import { environmentOf, kubeEnv, type Command } from './context.js';

/** `canary doctor`: the preflight checks as a report. Exit 0 when nothing fails, 2 otherwise. */
export const doctorCommand: Command = async (ctx) => {
  const { settings, io, signal } = ctx;
  const config = settingsToConfig(settings, true, kubeEnv(io));
  const plan = buildPlan(config, valuesFiles(config, io.cwd));
  const ports = composePorts(config, plan, environmentOf(ctx));
  const checked = await checkCluster(config, plan, ports, signal);
  const failed = failures(checked.results).length;
  const report = { ok: failed === 0, kubernetes: checked.facts.serverVersion, helm: checked.helm, canaryNodes: checked.canaryNodes, gatewayUrl: checked.gatewayUrl || undefined, checks: checked.results };
  printData(io, config.output, report, () =>
    [
      `Kubernetes ${checked.facts.serverVersion}, helm ${checked.helm}`,
      ...checked.results.map((r) => `${ICON[r.status]}  ${r.group.padEnd(9)} ${r.message}${r.fix && r.status !== 'pass' ? `\n               fix: ${r.fix}` : ''}`),
      '',
      failed === 0 ? 'Ready for `canary upgrade`.' : `${failed} check(s) failed: fix them before \`canary upgrade\`.`,
      '',
    ].join('\n'),
  );
  return failed === 0 ? 0 : 2;
};
