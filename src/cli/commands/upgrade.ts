import { buildPlan } from '../../plan/build.js';
import { upgrade } from '../../orchestrator/upgrade.js';
import { preflight, type PreflightOutcome } from '../../orchestrator/preflight.js';
import { runTasks } from '../../orchestrator/tasks.js';
import { phaseTitle } from '../../orchestrator/titles.js';
import { planText } from '../../report/plan-text.js';
import { statusTable } from '../../report/status-table.js';
import { composePorts } from '../compose.js';
import { printData, progressMode } from '../io.js';
import { RESULT } from '../messages.js';
import { settingsToConfig } from '../settings.js';
import { valuesFiles } from '../values-files.js';
import { environmentOf, kubeEnv, type Command } from './context.js';
import { forceUnlock } from './recorded.js';

/** `canary upgrade`: the whole procedure; `--dry-run` checks the cluster and prints the plan. */
export const upgradeCommand: Command = async (ctx) => {
  const { settings, io, signal } = ctx;
  const config = settingsToConfig(settings, true, kubeEnv(io));
  const plan = buildPlan(config, valuesFiles(config, io.cwd));
  const ports = composePorts(config, plan, environmentOf(ctx), { forceUnlock: forceUnlock(settings), bakes: true });
  const progress = progressMode(io, config.output);
  if (config.dryRun) {
    let checked: PreflightOutcome | undefined;
    await runTasks([{ title: phaseTitle('preflight', plan), run: async (report) => void (checked = await preflight(config, plan, ports, report, signal)) }], progress);
    const nodes = checked?.canaryNodes ?? [];
    const chosen = { ...plan, nodes: { ...plan.nodes, names: nodes, count: nodes.length }, copy: checked?.copy };
    printData(io, config.output, chosen, () => `\nDry run: preflight passed; nothing was changed. The run would do:\n\n${planText(chosen)}`);
    return 0;
  }
  const result = await upgrade({ config, plan, ports, signal, progress });
  const message = result.kind === 'promoted' ? RESULT.promoted(config.to.name) : result.kind === 'paused' ? RESULT.paused(result.record.weight) : RESULT.alreadyPromoted(result.record.id, result.record.updatedAt);
  printData(io, config.output, result.record, () => `${progress === 'silent' ? '' : '\n'}${statusTable(result.record)}\n${message}\n`);
  return 0;
};
