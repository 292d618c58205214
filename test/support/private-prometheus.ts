import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

/**
 * A Prometheus of a test's own, on a free loopback port with its own config and data in a
 * temp folder, for tests that stop it: the shared one (PROMETHEUS_URL, started by
 * cluster-up) is never touched. Uses the binary cluster-up installed (Debian's package).
 */
export interface PrivatePrometheus {
  readonly url: string;
  readonly pid: number;
  /** Stops this one process (SIGTERM, then SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function ready(url: string, child: ResultPromise, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode})`);
    const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus at ${url} not ready in ${timeoutMs / 1000} s`);
}

/** Starts one; `scrape` lists host:port targets (none: it answers every query with no data). */
export async function startPrivatePrometheus(scrape: readonly string[] = [], bin = 'prometheus'): Promise<PrivatePrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'ac-prometheus-'));
  const port = await freePort();
  const jobs = scrape.length === 0 ? '[]' : `\n  - job_name: sim-gateway\n    metrics_path: /stats/prometheus\n    static_configs: [{ targets: [${scrape.map((t) => `'${t}'`).join(', ')}] }]`;
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs: ${jobs}\n`);
  const child = execa(bin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { reject: false, all: true, forceKillAfterDelay: 5000 });
  const url = `http://127.0.0.1:${port}`;
  try {
    await ready(url, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    const out = await child;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${String(out.all ?? '').slice(-2000)}`);
  }
  return {
    url,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
