import { closest } from '../config/argv.js';
import { InterruptedError } from '../domain/errors.js';
import { abortCommand, promoteCommand, statusCommand, stepCommand } from './commands/recorded.js';
import type { Command } from './commands/context.js';
import { doctorCommand } from './commands/doctor.js';
import { planCommand } from './commands/plan.js';
import { prepareCommand } from './commands/prepare.js';
import { reportCommand } from './commands/report.js';
import { upgradeCommand } from './commands/upgrade.js';
import type { CliIo } from './io.js';
import { formatError, mainHelp, RESULT, unknownCommand, verbHelp } from './messages.js';
import { readSettings } from './settings.js';
import { verb, VERBS } from './verbs.js';

const COMMANDS: Readonly<Record<string, Command>> = {
  upgrade: upgradeCommand,
  plan: planCommand,
  step: stepCommand,
  status: statusCommand,
  abort: abortCommand,
  promote: promoteCommand,
  doctor: doctorCommand,
  prepare: prepareCommand,
  report: reportCommand,
};

/** Commands whose interrupt puts traffic back on the stable revision (orchestrator/session.ts). */
const REVERTING: ReadonlySet<string> = new Set(['upgrade', 'step', 'promote', 'abort']);

export interface Signals {
  /** Registers the handler for SIGINT and SIGTERM; returns the function that removes it. */
  onInterrupt(handler: (signal: string) => void): () => void;
}

/** Parses, runs one command, and turns every outcome into an exit code. */
export async function runCli(args: readonly string[], io: CliIo, signals: Signals, version: string): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${mainHelp(version)}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${version}\n`);
    return 0;
  }
  const v = verb(name);
  const command = COMMANDS[name];
  if (!v || !command) {
    io.stderr(`${unknownCommand(name, closest(name, VERBS.map((x) => x.name)))}\n`);
    return 2;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const remove = signals.onInterrupt((signal) => {
    interrupts++;
    const reverts = REVERTING.has(name);
    if (interrupts === 1) {
      io.stderr(`\n${reverts ? RESULT.interrupted : RESULT.interruptedStopping}\n`);
      controller.abort(new InterruptedError(`interrupted by ${signal}`));
    } else if (reverts) io.stderr('The revert is still running; it will finish on its own.\n');
  });
  try {
    const settings = readSettings(v, rest, io.cwd);
    if (settings.argv.help) {
      io.stdout(`${verbHelp(v)}\n`);
      return 0;
    }
    return await command({ settings, io, signal: controller.signal, version });
  } catch (error) {
    const { text, exitCode } = formatError(error);
    io.stderr(`${text}\n`);
    return exitCode;
  } finally {
    remove();
  }
}
