import type { Environment } from '../compose.js';
import type { CliIo } from '../io.js';
import type { Settings } from '../settings.js';

/** What every command gets from the entry point. */
export interface CommandContext {
  readonly settings: Settings;
  readonly io: CliIo;
  /** Aborted with an InterruptedError on the first Ctrl-C or SIGTERM. */
  readonly signal: AbortSignal;
  readonly version: string;
}

/** What the composition root needs from the process: environment, pid, version, a log line. */
export function environmentOf(ctx: Pick<CommandContext, 'io' | 'version'>): Environment {
  return { env: ctx.io.env, pid: ctx.io.pid, version: ctx.version, say: (line) => ctx.io.stderr(`${line}\n`) };
}

export type Command = (ctx: CommandContext) => Promise<number>;

export function kubeEnv(io: CliIo): { kubeconfig: string | undefined } {
  return { kubeconfig: io.env['KUBECONFIG'] };
}
