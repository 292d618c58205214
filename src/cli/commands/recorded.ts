import { abortRun, promoteRun, step } from '../../orchestrator/advance.js';
import { statusTable } from '../../report/status-table.js';
import { convert } from '../../config/convert.js';
import { InputError } from '../../domain/errors.js';
import { verb } from '../verbs.js';
import { composePorts } from '../compose.js';
import { printData, progressMode } from '../io.js';
import { RESULT } from '../messages.js';
import { observeCluster } from '../observe.js';
import { selectRun } from '../run-select.js';
import type { Settings } from '../settings.js';
import { environmentOf, type Command, type CommandContext } from './context.js';
import type { RunRecord } from '../../domain/run-record.js';
import type { SelectedRun } from '../run-select.js';

/**
 * `canary status`: the run record, and beside it what the cluster holds now (the route's
 * weights, canary nodes, releases, the lock) with every difference named. Reads only.
 * `-o json|yaml` prints the record with the cluster's view under `observed`.
 */
export const statusCommand: Command = async (ctx) => {
  const { settings, io, signal } = ctx;
  const run = await selectRun(settings, io, signal, ctx.version);
  const observed = await observeCluster(composePorts(run.config, run.plan, environmentOf(ctx)), run, signal);
  const record = run.stored.record;
  if ('error' in observed) io.stderr(`warning: ${observed.error}\n`);
  printData(io, run.config.output, { ...record, observed }, () => statusTable(record, 'error' in observed ? undefined : observed));
  return 0;
};

/** `--force-unlock`: a flag of this call only (no canary.yaml key: it must never be a standing setting). */
export function forceUnlock(settings: Settings): boolean {
  return settings.argv.values['lock.forceUnlock'] === true;
}

async function onRecordedRun(ctx: CommandContext, act: (run: SelectedRun, options: Parameters<typeof step>[0]) => Promise<RunRecord>, message: (r: RunRecord) => string, bakes = false): Promise<number> {
  const { settings, io, signal } = ctx;
  const run = await selectRun(settings, io, signal, ctx.version);
  const ports = composePorts(run.config, run.plan, environmentOf(ctx), { forceUnlock: forceUnlock(settings), bakes });
  const progress = progressMode(io, run.config.output);
  const record = await act(run, { config: run.config, plan: run.plan, ports, signal, progress });
  printData(io, run.config.output, record, () => `${statusTable(record)}\n${message(record)}\n`);
  return 0;
}

/** `canary step [--weight W]`. */
export const stepCommand: Command = (ctx) => {
  const requested = requestedWeight(ctx.settings.argv.values['step.weight']);
  return onRecordedRun(
    ctx,
    (run, options) => step(options, run.stored, requested),
    (r) => RESULT.stepped(r.weight, r.weight === 100),
    true,
  );
};

/** `canary promote`. */
export const promoteCommand: Command = (ctx) => onRecordedRun(ctx, (run, options) => promoteRun(options, run.stored), (r) => RESULT.promoted(r.revisions.canary));

/** `canary abort`. */
export const abortCommand: Command = (ctx) => onRecordedRun(ctx, (run, options) => abortRun(options, run.stored), (r) => RESULT.reverted(r.id));

function requestedWeight(raw: string | boolean | undefined): number | undefined {
  const spec = verb('step')?.extraFlags?.find((k) => k.flag === 'weight');
  if (raw === undefined || !spec) return undefined;
  const converted = convert(spec, raw);
  if (!converted.ok) throw new InputError([{ path: '--weight', message: converted.message }]);
  return converted.value as number;
}
