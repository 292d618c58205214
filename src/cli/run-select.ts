import { InputError } from '../domain/errors.js';
import { buildPlan } from '../plan/build.js';
import type { RunConfig } from '../config/types.js';
import type { StoredRun } from '../state/ports.js';
import { createKubePorts } from '../kube/index.js';
import type { Plan } from '../plan/build.js';
import { RESULT } from './messages.js';
import { settingsToConfig, type Settings } from './settings.js';
import type { CliIo } from './io.js';
import { valuesFiles } from './values-files.js';

export interface SelectedRun {
  readonly config: RunConfig;
  readonly plan: Plan;
  readonly stored: StoredRun;
}

/**
 * For commands that act on a recorded run (status, step, abort, promote): the run named by
 * --from/--to, or the latest one; the config then takes its versions and weight schedule.
 */
export async function selectRun(settings: Settings, io: CliIo, signal: AbortSignal, version?: string): Promise<SelectedRun> {
  const [hasFrom, hasTo] = ['from' in settings.values, 'to' in settings.values];
  // One version alone would pick the latest run and mix the given version into its plan (wrong releases, wrong namespace).
  if (hasFrom !== hasTo) {
    throw new InputError([{ path: hasFrom ? '--to' : '--from', message: `is missing: a run is named by both versions (--from 1.29.6 --to 1.30.3); give both, or neither to act on the latest run` }]);
  }
  const base = settingsToConfig(settings, false, { kubeconfig: io.env['KUBECONFIG'] });
  const named = hasFrom && hasTo;
  // Retries of this first read are told on stderr like every other (a silent stall looks hung).
  const kube = createKubePorts({ kubeconfig: base.kube.kubeconfig, context: base.kube.context, onRetry: (line) => io.stderr(`${line}\n`), toolVersion: version });
  const runs = kube.runStore(base.state.namespace);
  const stored = named ? await runs.load(`${base.from.name}-to-${base.to.name}`, signal) : await runs.latest(signal);
  if (!stored) throw new InputError([{ path: named ? `run ${base.from.name}-to-${base.to.name}` : 'run', message: RESULT.noRun }]);
  const record = stored.record;
  const resolved = settingsToConfig(settings, true, { kubeconfig: io.env['KUBECONFIG'] }, { from: record.from, to: record.to });
  const config: RunConfig = { ...resolved, steps: { ...resolved.steps, weights: [...record.schedule] } };
  return { config, plan: buildPlan(config, valuesFiles(config, io.cwd)), stored };
}
