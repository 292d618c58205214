// No connection of the local cluster's processes leaves loopback (README "Why the egress
// selector"). A webhook call is made while every socket of every recorded process (kwokctl's
// pid files, the simulator, Prometheus, the chart repository) is sampled from /proc: each
// connected TCP/UDP socket must have a loopback peer. The apiserver must reach the webhook only
// through the simulator's egress proxy, which must see the Service's ClusterIP (the apiserver
// resolved it from its own cache: no DNS) and refuse it (not an istiod).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AdmissionregistrationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connects, runDir } from './support/egress-proxy.js';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);
const admission = kc.makeApiClient(AdmissionregistrationV1Api);
const id = randomBytes(3).toString('hex');
const namespace = `egress-${id}`;
const webhookName = `egress-${id}`;

interface Peer {
  pid: number;
  proto: string;
  remote: string;
  port: number;
}

/** "0100007F:0050" (tcp) or the 32-hex-digit v6 form -> address text; /proc stores each 32-bit word little-endian. */
export function procAddress(hex: string): { address: string; port: number } {
  const [ip, port] = hex.split(':') as [string, string];
  const words = ip.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const bytes = words.join('').match(/../g)!.map((b) => parseInt(b, 16));
  const address = bytes.length === 4 ? bytes.join('.') : (words.join('').match(/.{4}/g) ?? []).join(':').toLowerCase();
  return { address, port: parseInt(port, 16) };
}

export function isLoopback(address: string): boolean {
  if (/^127\./.test(address)) return true;
  const v6 = address.replace(/(^|:)0{1,3}/g, '$1');
  return v6 === '0:0:0:0:0:0:0:1' || /^0:0:0:0:0:ffff:7f/.test(v6);
}
const unconnected = (address: string) => /^0\.0\.0\.0$|^(0000:){7}0000$/.test(address);

/** The connected sockets of a /proc/<pid>/net/{tcp,udp}[6] table whose inode is in `inodes`. */
export function peers(table: string, inodes: Set<string>, pid: number, proto: string): Peer[] {
  return table.split('\n').slice(1).filter(Boolean).flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const remote = procAddress(f[2]!);
    if (!inodes.has(f[9]!) || unconnected(remote.address)) return [];
    return [{ pid, proto, remote: remote.address, port: remote.port }];
  });
}

function clusterPids(): Map<number, string> {
  const files: string[] = ['sim.pid', 'prometheus.pid', 'chart-repo.pid'].map((f) => join(runDir, f));
  const clusters = join(runDir, 'kwok/clusters');
  for (const c of existsSync(clusters) ? readdirSync(clusters) : []) {
    const dir = join(clusters, c, 'pids');
    for (const f of existsSync(dir) ? readdirSync(dir) : []) files.push(join(dir, f));
  }
  const out = new Map<number, string>();
  for (const f of files.filter(existsSync)) out.set(Number(readFileSync(f, 'utf8').trim()), f.split('/').at(-1)!.replace('.pid', ''));
  return out;
}

function sample(pids: Map<number, string>): Peer[] {
  const out: Peer[] = [];
  for (const pid of pids.keys()) {
    try {
      const inodes = new Set(
        readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
          const m = /^socket:\[(\d+)\]$/.exec((() => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; } })());
          return m ? [m[1]!] : [];
        }),
      );
      for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) out.push(...peers(readFileSync(`/proc/${pid}/net/${proto}`, 'utf8'), inodes, pid, proto));
    } catch {
      // A process that just exited has nothing left to say.
    }
  }
  return out;
}


beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedService({ namespace, body: { metadata: { name: 'hook' }, spec: { selector: { app: 'hook' }, ports: [{ port: 443, targetPort: 8443 as never }] } } });
  await admission.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: webhookName },
      webhooks: [{
        name: 'egress.test.ambient-canary.dev',
        clientConfig: { service: { name: 'hook', namespace, path: '/mutate', port: 443 } },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        failurePolicy: 'Ignore', sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 5,
      }],
    },
  });
});

afterAll(async () => {
  await admission.deleteMutatingWebhookConfiguration({ name: webhookName }).catch(() => undefined);
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('the local cluster talks to loopback only', () => {
  it('reads /proc socket tables right, so a peer off loopback would be seen', () => {
    const table = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
      + '   0: 0100007F:7FFC 0100007F:8D2A 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0 20 4 30 10 -1\n'
      + '   1: 0100007F:7FFC 8300000A:01BB 02 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1\n'
      + '   2: 0100007F:7FFC 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 20 4 30 10 -1\n';
    const found = peers(table, new Set(['111', '222', '333']), 1, 'tcp');
    expect(found.map((p) => `${p.remote}:${p.port}`)).toEqual(['127.0.0.1:36138', '10.0.0.131:443']);
    expect(found.filter((p) => !isLoopback(p.remote)).map((p) => p.remote)).toEqual(['10.0.0.131']);
    expect(procAddress('00000000000000000000000001000000:0035')).toEqual({ address: '0000:0000:0000:0000:0000:0000:0000:0001', port: 53 });
    expect(isLoopback('0000:0000:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(isLoopback('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe(true);
  });

  it('starts kube-apiserver with the egress selector', () => {
    const pids = clusterPids();
    const apiserver = [...pids].find(([, name]) => name === 'kube-apiserver')?.[0];
    expect(readFileSync(`/proc/${apiserver}/cmdline`, 'utf8').split('\0')).toContain('--egress-selector-config-file=../../../egress-selector.yaml');
  });

  it('makes a webhook call through the egress proxy, while no process has a socket off loopback', async () => {
    const pids = clusterPids();
    expect([...pids.values()]).toEqual(expect.arrayContaining(['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller', 'sim', 'prometheus']));
    const seen: Peer[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(...sample(pids));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // The webhook is called (and refused by the proxy; failurePolicy Ignore lets the object in).
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'one' }, data: { a: 'b' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'two' }, data: { a: 'b' } } });
    sampling = false;
    await sampler;

    const clusterIP = (await core.readNamespacedService({ name: 'hook', namespace })).spec?.clusterIP;
    expect(await connects()).toContainEqual(expect.objectContaining({ target: `${clusterIP}:443`, status: 403 }));
    expect(seen.length).toBeGreaterThan(0);
    const off = seen.filter((p) => !isLoopback(p.remote)).map((p) => `${pids.get(p.pid)} ${p.proto} ${p.remote}:${p.port}`);
    expect([...new Set(off)]).toEqual([]);
    // No name lookup either (the resolver here is not on loopback, but say it plainly).
    expect(seen.filter((p) => p.port === 53)).toEqual([]);
  });
});
