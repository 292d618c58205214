import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli, type Signals } from '../../../src/cli/run-cli.js';
import { project } from './fake-io.js';

/** Runs the CLI with Ctrl-C pressed twice as soon as the command registers its handler. */
async function interrupted(args: readonly string[]): Promise<string> {
  let stderr = '';
  const cwd = project();
  const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { KUBECONFIG: join(cwd, 'none') }, cwd, isTTY: false, pid: 4242, confirm: async () => false };
  const twice: Signals = {
    onInterrupt: (handler) => {
      handler('SIGINT');
      handler('SIGINT');
      return () => undefined;
    },
  };
  await runCli(args, io, twice, '0.0.0-test');
  return stderr;
}

describe('what Ctrl-C says', () => {
  it.each([['plan'], ['status'], ['report'], ['doctor'], ['prepare']])('`canary %s` moves no traffic: it does not claim to revert any', async (name) => {
    const stderr = await interrupted([name, '--from', '1.29.6', '--to', '1.30.3']);
    expect(stderr).toContain('Interrupted: stopping.');
    expect(stderr).not.toMatch(/revert/i);
  });

  it.each([['upgrade'], ['step'], ['promote'], ['abort']])('`canary %s` says traffic goes back to stable first, and that a second Ctrl-C does not stop it', async (name) => {
    const stderr = await interrupted([name, '--from', '1.29.6', '--to', '1.30.3']);
    expect(stderr).toContain('Interrupted: reverting traffic to the stable revision first');
    expect(stderr).toContain('The revert is still running');
  });
});
