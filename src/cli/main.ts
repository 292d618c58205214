import { createInterface } from 'node:readline/promises';
import { readFileSync } from 'node:fs';
import { runCli } from './run-cli.js';

// The only module that touches `process`: everything below gets what it needs passed in.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    pid: process.pid,
    confirm: async (question) => {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } catch (error) {
        // Ctrl-C or Ctrl-D at the prompt closes it (AbortError): that is a no, not a crash.
        if ((error as Error).name === 'AbortError') return false;
        throw error;
      } finally {
        rl.close();
      }
    },
  },
  {
    onInterrupt: (handler) => {
      const listener = (signal: NodeJS.Signals): void => handler(signal);
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  },
  pkg.version,
);
// Exit now: keep-alive sockets and timers must not hold a finished command open.
process.exit(code);
