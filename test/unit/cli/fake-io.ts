import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli, type Signals } from '../../../src/cli/run-cli.js';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An empty project folder, with the files given (path -> content). */
export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-cli-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const noSignals: Signals = { onInterrupt: () => () => undefined };

/** Runs the CLI as `canary ...args` in `cwd`, with no cluster, no terminal and no KUBECONFIG. */
export async function canary(args: readonly string[], cwd: string = project()): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { KUBECONFIG: join(cwd, 'no-such-kubeconfig') },
    cwd,
    isTTY: false,
    pid: 4242,
    confirm: async () => false,
  };
  const code = await runCli(args, io, noSignals, '0.0.0-test');
  return { code, stdout, stderr };
}
