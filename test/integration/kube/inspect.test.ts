import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { FROM_REV } from '../../support/demo-versions.js';
import { clusterKubeconfig, createNamespace, kube, never, suffix } from './support.js';

const run = promisify(execFile);
const { client, ports } = kube();
const istio = `it-istio-${suffix()}`;
const app = `it-app-${suffix()}`;
const cleanups: (() => Promise<void>)[] = [];

/** The smallest chart helm will install: one ConfigMap. */
function tinyChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chart-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  rev: "{{ .Release.Revision }}"\n');
  return dir;
}

async function helm(...args: string[]): Promise<void> {
  await run(inject('helm'), [...args, '--kubeconfig', clusterKubeconfig(), '-n', istio]);
}

beforeAll(async () => {
  cleanups.push(await createNamespace(client, istio, false));
  cleanups.push(await createNamespace(client, app, false));
  const pod = (container: string, env: { name: string; value: string }[]) => ({
    metadata: { labels: { app: container } },
    spec: { containers: [{ name: container, image: 'registry.example/fake:1', env }], nodeSelector: { 'it.ambient-canary.dev/none': 'x' } },
  });
  await client.objects.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `istiod-${FROM_REV}`, namespace: istio, labels: { app: 'istiod', 'istio.io/rev': FROM_REV } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'discovery' } }, template: pod('discovery', [{ name: 'PILOT_ENABLE_AMBIENT', value: 'true' }]) },
  });
  await client.objects.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ztunnel', namespace: istio, labels: { app: 'ztunnel' }, annotations: { 'meta.helm.sh/release-name': 'ztunnel' } },
    spec: { selector: { matchLabels: { app: 'ztunnel' } }, template: pod('ztunnel', []) },
  });
  await client.objects.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'istio-cni-node', namespace: istio },
    spec: { selector: { matchLabels: { app: 'istio-cni-node' } }, template: pod('istio-cni-node', []) },
  });
  await client.objects.create({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: app },
    spec: { gatewayClassName: 'it-none', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  });
  await client.objects.create({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: app },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  });
  const chart = tinyChart();
  await helm('upgrade', '--install', 'ours', chart, '--labels', 'app.kubernetes.io/managed-by=ambient-canary');
  await helm('upgrade', '--install', 'ours', chart, '--labels', 'app.kubernetes.io/managed-by=ambient-canary');
  await helm('upgrade', '--install', 'theirs', chart);
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

describe('ClusterReader.inspect against the real apiserver', () => {
  it('gathers the facts preflight needs in one look', async () => {
    const facts = await ports.reader.inspect(
      { istioNamespace: istio, namespaces: [istio, app, 'it-missing'], route: { namespace: app, name: 'absent' }, gateway: { namespace: app, name: 'absent' } },
      never,
    );
    expect(facts.serverVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(facts.nodes.length).toBeGreaterThan(0);
    expect(facts.nodes.every((n) => typeof n.ready === 'boolean')).toBe(true);
    expect(Object.keys(facts.namespaces).sort()).toEqual([app, istio].sort());
    expect(facts.istiods).toEqual([expect.objectContaining({ name: `istiod-${FROM_REV}`, env: { PILOT_ENABLE_AMBIENT: 'true' }, replicas: 1 })]);
    expect(facts.ztunnels).toEqual([expect.objectContaining({ name: 'ztunnel', release: 'ztunnel', nodeSelector: { 'it.ambient-canary.dev/none': 'x' } })]);
    expect(facts.cni?.name).toBe('istio-cni-node');
    expect(facts.crds).toEqual(expect.arrayContaining(['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io']));
    expect(facts.crds.every((c) => c.endsWith('gateway.networking.k8s.io') || c.endsWith('istio.io'))).toBe(true);
    expect(facts.route).toBeUndefined();
    expect(facts.gateway).toBeUndefined();
    // helm --labels puts our ownership label on the release Secret; the newest version counts.
    expect(facts.releases).toEqual([
      { name: 'ours', namespace: istio, owned: true, status: 'deployed' },
      { name: 'theirs', namespace: istio, owned: false, status: 'deployed' },
    ]);
  });

  it('reads the route and the Gateway when they exist', async () => {
    const facts = await ports.reader.inspect({ istioNamespace: istio, namespaces: [], route: { namespace: app, name: 'web' }, gateway: { namespace: app, name: 'gw' } }, never);
    expect(facts.route?.spec.rules?.[0]?.backendRefs).toEqual([expect.objectContaining({ name: 'web', port: 80 })]);
    expect(facts.gateway?.metadata.name).toBe('gw');
  });
});
