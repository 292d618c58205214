import { buildPlan } from '../../plan/build.js';
import { planText } from '../../report/plan-text.js';
import { printData } from '../io.js';
import { settingsToConfig } from '../settings.js';
import { valuesFiles } from '../values-files.js';
import { kubeEnv, type Command } from './context.js';

/** `canary plan`: no cluster, no change; the same values `upgrade` executes. */
export const planCommand: Command = async ({ settings, io }) => {
  const config = settingsToConfig(settings, true, kubeEnv(io));
  const plan = buildPlan(config, valuesFiles(config, io.cwd));
  printData(io, config.output, plan, () => planText(plan));
  return 0;
};
