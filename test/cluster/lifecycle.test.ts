// cluster-up and cluster-down. Up twice on the shared cluster must be quick and change
// nothing. Down is tested on a second, throwaway cluster (own name and run dir, no
// manifests), so the tests of the integration and e2e projects that share the main
// cluster are never disturbed, whatever order vitest runs files and projects in.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { readClusterEnv } from '../support/cluster-setup.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sharedRun = fileURLToPath(new URL('.run/', import.meta.url));
const throwaway = mkdtempSync(join(tmpdir(), 'ac-lifecycle-'));
// Its own metrics, Prometheus and chart repository ports too: the shared cluster holds the
// default ones (scripts/lib.sh). The simulator's egress proxy is a unix socket in the run dir
// (SIM_EGRESS_SOCKET), so it is the throwaway's own already; SIM_EGRESS_ADDRESS is set for a
// lib.sh that serves it on TCP instead (unused until then).
const CHART_REPO_ADDRESS = '127.0.0.1:18889';
const throwawayEnv = {
  CLUSTER_NAME: 'ac-lifecycle',
  CLUSTER_RUN_DIR: throwaway,
  CLUSTER_MANIFESTS: '',
  NODES: '2',
  SIM_METRICS_ADDRESS: '127.0.0.1:15091',
  PROMETHEUS_ADDRESS: '127.0.0.1:19091',
  CHART_REPO_ADDRESS,
  SIM_EGRESS_ADDRESS: '127.0.0.1:15092',
};

const make = (target: string, env: Record<string, string> = {}) =>
  execa('make', ['--no-print-directory', target], { cwd: repoRoot, env, all: true });

const pidOf = (file: string) => Number(readFileSync(file, 'utf8').trim());
/** A process that still exists and is not a zombie (a zombie holds no port and runs nothing). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Every pid the throwaway cluster recorded: the five control-plane processes, the simulator, Prometheus and the chart repository. */
function recordedPids(): number[] {
  const dir = join(throwaway, 'kwok/clusters/ac-lifecycle/pids');
  const pids = readdirSync(dir).map((f) => pidOf(join(dir, f)));
  const own = ['sim.pid', 'prometheus.pid', 'chart-repo.pid'].map((f) => join(throwaway, f)).filter((f) => existsSync(f));
  return [...pids, ...own.map(pidOf)];
}

/** Every listening TCP socket (`ss -ltnp`): its host:port and the pids that hold it (a forked child shares its parent's). */
async function sockets(): Promise<{ address: string; pids: number[]; line: string }[]> {
  const { stdout } = await execa('ss', ['-ltnpH']);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ address: line.trim().split(/\s+/)[3] ?? '', pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])), line: line.trim() }));
}

/** host:port of every listening TCP socket held by one of pids. */
async function listening(pids: number[]): Promise<string[]> {
  return (await sockets()).filter((s) => s.pids.some((p) => pids.includes(p))).map((s) => s.address);
}

/** Every pid holding one of those sockets: the recorded processes and any child sharing a socket with them. */
async function holders(addresses: string[]): Promise<number[]> {
  return [...new Set((await sockets()).filter((s) => addresses.includes(s.address)).flatMap((s) => s.pids))];
}

/**
 * Which of `addresses` still accept a connection held by one of `ours`, as ss prints them. A
 * port that accepts but is held by another process was freed and taken again in between (the
 * CI machine runs other tests meanwhile, which bind ports of their own): not left by us.
 */
async function openNow(addresses: string[], ours: number[]): Promise<string[]> {
  const accepting = (await Promise.all(addresses.map(async (a) => ((await refused(a)) ? [] : [a])))).flat();
  if (accepting.length === 0) return [];
  const now = await sockets();
  return accepting.flatMap((a) => {
    const held = now.filter((s) => s.address === a);
    // Accepting yet listed by no one we can see: nothing to tell it from ours, so it counts.
    if (held.length === 0) return [`${a}: accepts connections, no listener visible to ss`];
    return held.filter((s) => s.pids.some((p) => ours.includes(p))).map((s) => s.line);
  });
}

/**
 * openNow, given up to 3 s to come out empty. CI saw a port of the throwaway accept a connection
 * once all its recorded processes were dead or zombies, with no listener left for ss a few ms
 * later (a killed multi-threaded process can show as a zombie while its last threads still
 * close its files): only a socket that stays open is one cluster-down left.
 */
async function leftOpen(addresses: string[], ours: number[]): Promise<string[]> {
  let open = await openNow(addresses, ours);
  const first = open;
  let waited = 0;
  for (; waited < 3000 && open.length > 0; waited += 300) {
    await new Promise((r) => setTimeout(r, 300));
    open = await openNow(addresses, ours);
  }
  if (first.length > 0) console.log(`after cluster-down: ${first.join('; ')}; ${open.length === 0 ? `closed within ${waited} ms` : 'still open after 3 s'}`);
  return open;
}

const refused = (address: string) =>
  new Promise<boolean>((resolve) => {
    const i = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, i).replace(/^\[|\]$/g, '').replace('*', '127.0.0.1'), port: Number(address.slice(i + 1)) });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

async function readyNodes(kubeconfig: string): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const nodes = await kc.makeApiClient(CoreV1Api).listNode({ labelSelector: 'type=kwok' });
  return nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

afterAll(async () => {
  await make('cluster-down', throwawayEnv).catch(() => undefined);
  rmSync(throwaway, { recursive: true, force: true });
});

describe('cluster-up and cluster-down', () => {
  it('cluster-up on a running cluster is quick and restarts nothing', async () => {
    const apiserverPid = join(sharedRun, 'kwok/clusters/ambient-canary/pids/kube-apiserver.pid');
    const chartRepoPid = join(sharedRun, 'chart-repo.pid');
    const before = { pid: pidOf(apiserverPid), chartRepo: pidOf(chartRepoPid), env: readClusterEnv() };
    const started = Date.now();
    await make('cluster-up');
    expect(Date.now() - started).toBeLessThan(60_000); // 3-4 s when idle; more on a busy 2-core machine
    expect(pidOf(apiserverPid)).toBe(before.pid);
    expect(pidOf(chartRepoPid)).toBe(before.chartRepo);
    expect(readClusterEnv()?.['KUBECONFIG']).toBe(before.env?.['KUBECONFIG']);
  });

  it('cluster-down leaves no process and no listening port; down twice is harmless; up again works', async () => {
    await make('cluster-up', throwawayEnv);
    const env = readClusterEnv(join(throwaway, 'cluster.env'));
    expect(await readyNodes(env?.['KUBECONFIG'] ?? '')).toBe(2);
    const pids = recordedPids();
    expect(pids.length).toBeGreaterThanOrEqual(5);
    const ports = await listening(pids);
    expect(ports.length).toBeGreaterThanOrEqual(4);
    const ours = await holders(ports);
    // Its own chart repository, serving Istio's charts on its own address.
    const chartRepo = pidOf(join(throwaway, 'chart-repo.pid'));
    expect(alive(chartRepo)).toBe(true);
    expect(env?.['CHART_REPO_URL']).toBe(`http://${CHART_REPO_ADDRESS}`);
    expect(ports).toContain(CHART_REPO_ADDRESS);
    expect((await fetch(`http://${CHART_REPO_ADDRESS}/index.yaml`)).status).toBe(200);

    await make('cluster-down', throwawayEnv);
    expect(pids.filter(alive)).toEqual([]);
    expect(alive(chartRepo)).toBe(false);
    expect(ours.filter(alive)).toEqual([]);
    expect(await leftOpen(ports, ours)).toEqual([]);
    expect(existsSync(join(throwaway, 'cluster.env'))).toBe(false);
    expect(existsSync(join(throwaway, 'chart-repo.pid'))).toBe(false);
    await make('cluster-down', throwawayEnv);

    await make('cluster-up', throwawayEnv);
    expect(await readyNodes(readClusterEnv(join(throwaway, 'cluster.env'))?.['KUBECONFIG'] ?? '')).toBe(2);
    await make('cluster-down', throwawayEnv);
  }, 600_000);
});
