import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts bench/server.ts in its own process; resolves with its URL once it listens. */
export async function startServer(args: readonly string[]): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', `${ROOT}bench/server.ts`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n')[0];
      if (seen.includes('\n') && line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
  return { url, stop: () => void child.kill('SIGTERM') };
}

/** KEY=value lines of test/cluster/.run/cluster.env, or undefined when the cluster never ran. */
export function clusterEnv(): Record<string, string> | undefined {
  const path = `${ROOT}test/cluster/.run/cluster.env`;
  if (!existsSync(path)) return undefined;
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** wrk from PATH, installed from Debian's packages when missing (the bench machine is root). */
export async function ensureWrk(): Promise<string> {
  const found = await execa('which', ['wrk'], { reject: false });
  if (found.exitCode === 0) return found.stdout.trim();
  console.log('wrk is missing: apt-get install -y wrk');
  await execa('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
  return (await execa('which', ['wrk'])).stdout.trim();
}

export { median } from './sim-stats.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
}
