import type { CliIo } from '../io.js';
import type { Settings } from '../settings.js';

/** What every command gets from the entry point. */
export interface CommandContext {
  readonly settings: Settings;
  readonly io: CliIo;
  /** Aborted with an InterruptedError on the first Ctrl-C or SIGTERM. */
  readonly signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<number>;

export function kubeEnv(io: CliIo): { kubeconfig: string | undefined } {
  return { kubeconfig: io.env['KUBECONFIG'] };
}
