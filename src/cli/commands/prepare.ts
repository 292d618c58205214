import { InputError } from '../../domain/errors.js';
import { formatInvocation } from '../../domain/helm-invocation.js';
import { prepare, preparePlan } from '../../orchestrator/prepare.js';
import { runTasks } from '../../orchestrator/tasks.js';
import { buildPlan } from '../../plan/build.js';
import { composePorts } from '../compose.js';
import { progressMode } from '../io.js';
import { settingsToConfig } from '../settings.js';
import { environmentOf, kubeEnv, type Command } from './context.js';

/**
 * `canary prepare`: the one-time pinning of the stable ztunnel. It restarts every stable
 * ztunnel pod, so it says so and asks (or takes --yes); --dry-run only shows it.
 */
export const prepareCommand: Command = async (ctx) => {
  const { settings, io, signal } = ctx;
  if (!('from' in settings.values)) throw new InputError([{ path: '--from', message: 'is required: the revision whose ztunnel to pin, for example --from 1.29.6' }]);
  const config = settingsToConfig(settings, false, kubeEnv(io));
  const ports = composePorts(config, buildPlan(config, {}), environmentOf(ctx));
  const plan = await preparePlan(config, ports, signal);
  if (plan.alreadyPinned) {
    io.stdout(`ztunnel ${plan.daemonSet} already stays off nodes labelled for another revision (nodeSelector or node affinity); nothing to do.\n`);
    return 0;
  }
  io.stdout(
    [
      `This pins ztunnel ${plan.daemonSet} (release ${plan.release}) to nodes labelled ${config.nodes.label}=${config.from.name}:`,
      `  label ${plan.nodes.length} node(s): ${plan.nodes.join(', ') || 'none'}`,
      `  ${formatInvocation(plan.invocation)}`,
      `It RESTARTS EVERY STABLE ZTUNNEL POD (${plan.restarts} now, one per node): each node's mesh traffic is disrupted while its ztunnel restarts.`,
      'Do it once, in a maintenance window.',
      ...(config.dryRun ? ['Dry run: nothing was changed.'] : []),
      '',
    ].join('\n'),
  );
  if (config.dryRun) return 0;
  if (!config.yes && !(await io.confirm('Go ahead?'))) {
    io.stderr('Not confirmed; nothing was changed. Pass --yes to confirm without a terminal.\n');
    return 2;
  }
  await runTasks([{ title: `Pin ztunnel ${plan.daemonSet} to ${config.nodes.label}=${config.from.name}`, run: (report) => prepare(config, ports, plan, report, signal) }], progressMode(io, config.output));
  return 0;
};
