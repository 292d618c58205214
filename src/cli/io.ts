import type { OutputFormat } from '../config/types.js';
import type { ProgressMode } from '../orchestrator/tasks.js';
import { stringify } from 'yaml';

/** The process as the commands see it; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly isTTY: boolean;
  readonly pid: number;
  /** Asks a yes/no question on the terminal; false when there is none. */
  readonly confirm: (question: string) => Promise<boolean>;
}

/** Live progress on a terminal, plain lines in CI or a pipe, none when stdout carries data. */
export function progressMode(io: CliIo, output: OutputFormat): ProgressMode {
  if (output !== 'table') return 'silent';
  const ci = io.env['CI'] !== undefined && io.env['CI'] !== 'false' && io.env['CI'] !== '0';
  return io.isTTY && !ci ? 'live' : 'plain';
}

export function printData(io: CliIo, format: OutputFormat, data: unknown, table: () => string): void {
  if (format === 'json') io.stdout(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') io.stdout(stringify(data, { aliasDuplicateObjects: false }));
  else io.stdout(table());
}
