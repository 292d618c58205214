import { abortRun, promoteRun, step } from '../../orchestrator/advance.js';
import { statusTable } from '../../report/status-table.js';
import { convert } from '../../config/convert.js';
import { InputError } from '../../domain/errors.js';
import { verb } from '../verbs.js';
import { composePorts } from '../compose.js';
import { printData, progressMode } from '../io.js';
import { RESULT } from '../messages.js';
import { selectRun } from '../run-select.js';
import { environmentOf, type Command, type CommandContext } from './context.js';
import type { RunRecord } from '../../domain/run-record.js';
import type { SelectedRun } from '../run-select.js';

/** `canary status`: the run record as it is; reads only. */
export const statusCommand: Command = async ({ settings, io, signal }) => {
  const { config, stored } = await selectRun(settings, io, signal);
  printData(io, config.output, stored.record, () => statusTable(stored.record));
  return 0;
};

async function onRecordedRun(ctx: CommandContext, act: (run: SelectedRun, options: Parameters<typeof step>[0]) => Promise<RunRecord>, message: (r: RunRecord) => string): Promise<number> {
  const { settings, io, signal } = ctx;
  const run = await selectRun(settings, io, signal);
  const ports = composePorts(run.config, run.plan, environmentOf(ctx));
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
