import type { CliIo } from '../../src/cli/io.js';
import { runCli, type Signals } from '../../src/cli/run-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const noSignals: Signals = { onInterrupt: () => () => undefined };

/**
 * `canary ...argv` inside the test process (src/cli/run-cli.ts with an in-memory CliIo):
 * milliseconds per run instead of a Node start, so a property test can afford hundreds.
 * Its kube client sends `ambient-canary/<version>` like the real CLI.
 */
export async function canaryInProcess(argv: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; version?: string }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: false,
    pid: 4242,
    confirm: async () => false,
  };
  const code = await runCli(argv, io, noSignals, options.version ?? '0.0.0-in-process');
  return { code, stdout, stderr };
}
