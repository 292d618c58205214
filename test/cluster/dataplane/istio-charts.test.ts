// Istio's real Helm charts in the local cluster: byte for byte the istio/istio module's files,
// published by the local chart repository under the demo versions (only Chart.yaml's version
// and appVersion differ, as Istio's release tooling stamps them), installed with the product's
// exact helm arguments, rendering the objects the product relies on; and the simulator's trust
// rule (an istiod that does not trust a ztunnel's ServiceAccount leaves it not Ready).

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parse } from 'yaml';
import { valuesFiles } from '../../../src/cli/values-files.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import type { RunConfig } from '../../../src/config/types.js';
import { controlPlaneInstall, dataPlaneInstall } from '../../../src/plan/helm-commands.js';
import { FROM, TO } from '../../support/demo-versions.js';
import { CLUSTER_ROOT, helm, kube, must, run } from './support/env.js';
import { daemonSet, dsReady, ensureBase, installChart, isReady, podsOf, uninstall } from './support/mesh.js';
import { createNamespace, createNodes, deleteNamespaces, deleteNodes, testId } from './support/objects.js';
import { holdsFor, waitFor } from './support/poll.js';

const REPO_ROOT = join(CLUSTER_ROOT, '..', '..');
const PLACED = join(CLUSTER_ROOT, '.bin', 'istio');
const SOURCE: Record<string, string> = { base: 'manifests/charts/base', istiod: 'manifests/charts/istio-control/istio-discovery', cni: 'manifests/charts/istio-cni', ztunnel: 'manifests/charts/ztunnel' };

const k = kube();
const id = testId();
const ns = `istio-charts-${id}`;
const nodeLabel = `charts-${id}.ambient-canary.dev/rev`;
let nodes: string[] = [];
let config: RunConfig;

/** Every file under dir, relative, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The tools modules: line folder -> [published version, module directory as `go mod download` gives it]. */
async function lines(): Promise<[string, string][]> {
  const tools = join(CLUSTER_ROOT, 'tools');
  const dirs = readdirSync(tools).filter((d) => d.startsWith('istio-'));
  return Promise.all(
    dirs.map(async (d) => {
      const version = readFileSync(join(tools, d, 'chart-version'), 'utf8').split('\n').find((l) => l && !l.startsWith('#'))!;
      const env = { ...process.env, GOTOOLCHAIN: 'local', GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
      const r = await new Promise<string>((resolve, reject) =>
        execFile('go', ['mod', 'download', '-json', 'istio.io/istio'], { cwd: join(tools, d), env }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      return [version, (JSON.parse(r) as { Dir: string }).Dir] as [string, string];
    }),
  );
}

beforeAll(async () => {
  await ensureBase();
  await createNamespace(k, ns);
  nodes = await createNodes(k, id, ['a', 'b', 'c']);
  config = resolveConfig({
    values: { from: FROM, to: TO, 'istio.namespace': ns, 'istio.chartRepo': inject('chartRepoUrl'), 'istio.helm': inject('helm'), 'istio.helmTimeout': '90s', 'nodes.label': nodeLabel },
    fromFlags: new Set(),
    fileName: 'canary.yaml',
    requireVersions: true,
    env: {},
  });
  for (const n of nodes.slice(0, 2)) await k.core.patchNode({ name: n, body: [{ op: 'add', path: `/metadata/labels/${nodeLabel.replace('/', '~1')}`, value: config.to.name }] });
}, 300_000);

afterAll(async () => {
  for (const r of [`ztunnel-${config.to.name}`, `istiod-${config.to.name}`]) await uninstall(r, ns);
  await deleteNamespaces(k, [ns]);
  await deleteNodes(k, nodes);
}, 300_000);

describe("Istio's real charts", () => {
  it('are placed byte for byte as the pinned istio/istio modules hold them, for both release lines', async () => {
    const found = await lines();
    expect(found.map(([v]) => v).sort()).toEqual([FROM, TO].sort());
    for (const [version, dir] of found) {
      for (const [chart, path] of Object.entries(SOURCE)) {
        const placed = tree(join(PLACED, version, chart));
        const module = tree(join(dir, path));
        expect([...placed.keys()].sort(), `${version}/${chart} files`).toEqual([...module.keys()].sort());
        for (const [file, bytes] of module) expect(placed.get(file)?.equals(bytes), `${version}/${chart}/${file}`).toBe(true);
      }
    }
  });

  it('are served by the chart repository at each version, differing from the source only in Chart.yaml version and appVersion', async () => {
    const index = parse(await (await fetch(`${inject('chartRepoUrl')}/index.yaml`)).text()) as { entries: Record<string, { version: string; urls: string[] }[]> };
    for (const version of [FROM, TO]) {
      for (const chart of Object.keys(SOURCE)) {
        const entry = index.entries[chart]?.find((e) => e.version === version);
        expect(entry, `${chart} ${version} in index.yaml`).toBeDefined();
        const tgz = Buffer.from(await (await fetch(`${inject('chartRepoUrl')}/${entry!.urls[0]}`)).arrayBuffer());
        const out = mkdtempSync(join(tmpdir(), 'chart-'));
        try {
          const file = join(out, 'chart.tgz');
          writeFileSync(file, tgz);
          await must(run('tar', ['-xzf', file, '-C', out]), `tar -xzf ${entry!.urls[0]}`);
          const packaged = tree(join(out, chart));
          const source = tree(join(PLACED, version, chart));
          expect([...packaged.keys()].sort()).toEqual([...source.keys()].sort());
          for (const [f, bytes] of source) if (f !== 'Chart.yaml') expect(packaged.get(f)?.equals(bytes), `${chart} ${version}: ${f}`).toBe(true);
          const [a, b] = [parse(source.get('Chart.yaml')!.toString()), parse(packaged.get('Chart.yaml')!.toString())] as Record<string, unknown>[];
          expect(b).toEqual({ ...a, version, appVersion: version });
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      }
    }
  });

  it('refuse a profile they do not ship, as the product must know', async () => {
    const r = await helm(['template', 'x', join(PLACED, TO, 'istiod'), '--set', 'profile=ambiente']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown profile');
  });
});

describe("the product's helm arguments against the real charts", () => {
  it('leave a ztunnel not Ready while its istiod does not trust its ServiceAccount (no trustedZtunnelName)', async () => {
    await installChart('istiod', `istiod-${config.to.name}`, ns, [`revision=${config.to.name}`, 'profile=ambient', `global.istioNamespace=${ns}`]);
    const z = dataPlaneInstall(config, valuesFiles(config, REPO_ROOT));
    // The product waits (--wait); a ztunnel that is refused never gets there, so install without it.
    await must(run(z.bin, [...z.args].filter((a) => a !== '--wait'), 120_000), 'helm upgrade --install ztunnel');
    const refused = await waitFor('ztunnel pods refused their certificates', async () => {
      const pods = await podsOf(k, ns, `ztunnel-${config.to.name}`);
      const cert = (p: (typeof pods)[number]) => p.status?.conditions?.find((c) => c.type === 'sim.ambient-canary.dev/CertificateIssued');
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running' && cert(p)?.status === 'False' && !isReady(p)) && pods;
    });
    expect(refused.map((p) => p.spec?.nodeName).sort()).toEqual(nodes.slice(0, 2));
    expect(refused[0]!.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain('request authenticate failure');
    await holdsFor('numberReady == 0', async () => (await daemonSet(k, ns, `ztunnel-${config.to.name}`)).status?.numberReady === 0, 3000);
  });

  it("install istiod as the product does (revision, ambient, trusting the canary ztunnel, the run's Istio namespace)", async () => {
    const inv = controlPlaneInstall(config, valuesFiles(config, REPO_ROOT));
    expect(inv.args).toEqual(expect.arrayContaining(['--repo', inject('chartRepoUrl'), '--version', TO, '--values', `revisions/${TO}/control-plane.yaml`]));
    await must(run(inv.bin, [...inv.args], 180_000), "helm upgrade --install istiod (the product's arguments)");
    const rev = config.to.name;
    const d = await k.apps.readNamespacedDeployment({ namespace: ns, name: `istiod-${rev}` });
    expect(d.metadata?.labels).toMatchObject({ app: 'istiod', 'istio.io/rev': rev });
    const env = Object.fromEntries((d.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PILOT_ENABLE_AMBIENT: 'true', CA_TRUSTED_NODE_ACCOUNTS: `${ns}/ztunnel-${rev}`, REVISION: rev });
    // global.istioNamespace: istiod's ServiceAccount and Role land in the run's namespace, not istio-system.
    await k.core.readNamespacedServiceAccount({ namespace: ns, name: `istiod-${rev}` });
    const roles = await must(run(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'get', 'role,rolebinding', '-n', ns, '-o', 'name']), 'kubectl get role');
    expect(roles).toContain(`role.rbac.authorization.k8s.io/istiod-${rev}`);
  });

  it('render the cluster roles, webhooks, HPA and PDB the access check and the demo expect', async () => {
    const rev = config.to.name;
    const manifest = await must(helm(['get', 'manifest', `istiod-${rev}`, '-n', ns]), 'helm get manifest');
    const kinds = parseAll(manifest).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining([
      `ClusterRole/istiod-clusterrole-${rev}-${ns}`, `ClusterRole/istiod-gateway-controller-${rev}-${ns}`, `ClusterRole/istio-reader-clusterrole-${rev}-${ns}`,
      `ClusterRoleBinding/istiod-clusterrole-${rev}-${ns}`, `Role/istiod-${rev}`, `RoleBinding/istiod-${rev}`,
      `MutatingWebhookConfiguration/istio-sidecar-injector-${rev}-${ns}`, `ValidatingWebhookConfiguration/istio-validator-${rev}-${ns}`,
      `HorizontalPodAutoscaler/istiod-${rev}`,
      // Only because revisions/<version>/control-plane.yaml asks for two replicas (autoscaleMin: 2).
      `PodDisruptionBudget/istiod-${rev}`,
    ]));
    const mwc = parseAll(manifest).find((o) => o.kind === 'MutatingWebhookConfiguration') as unknown as { webhooks: { name: string; failurePolicy: string }[] };
    expect(mwc.webhooks.map((w) => [w.name, w.failurePolicy])).toEqual([['rev.namespace.sidecar-injector.istio.io', 'Fail'], ['rev.object.sidecar-injector.istio.io', 'Fail']]);
    const plain = await must(helm(['template', 'x', join(PLACED, TO, 'istiod'), '--set', `revision=${rev}`, '--set', 'profile=ambient']), 'helm template');
    expect(parseAll(plain).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
  });

  it('turn the refused ztunnel Ready once istiod trusts its name, on the labelled nodes only, tolerating every taint', async () => {
    const rev = config.to.name;
    const ds = await dsReady(k, ns, `ztunnel-${rev}`, 2);
    expect(ds.spec?.selector.matchLabels).toEqual({ app: 'ztunnel' });
    expect(ds.metadata?.annotations?.['istio.io/rev']).toBe(rev);
    const pod = ds.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe(`ztunnel-${rev}`);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', [nodeLabel]: rev });
    // The chart's default tolerations take every taint, the canary's among them: the nodeSelector alone pins it.
    expect(pod.tolerations).toEqual(expect.arrayContaining([{ effect: 'NoSchedule', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }]));
    const env = Object.fromEntries((pod.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env['CA_ADDRESS']).toBe(`istiod-${rev}.${ns}.svc:15012`);
    // The chart names its container istio-proxy: a ztunnel pod is not a sidecar pod.
    expect(pod.containers.map((c) => c.name)).toEqual(['istio-proxy']);
  });

  it('istio-cni (the cluster singleton) runs on every node, tainted ones included, with ambient enabled', async () => {
    const all = (await k.core.listNode()).items.length;
    await waitFor('istio-cni-node on every node', async () => (await daemonSet(k, 'istio-system', 'istio-cni-node')).status?.desiredNumberScheduled === all);
    const cm = await k.core.readNamespacedConfigMap({ namespace: 'istio-system', name: 'istio-cni-config' });
    expect(cm.data?.['AMBIENT_ENABLED']).toBe('true');
    expect(cm.data?.['CURRENT_AGENT_VERSION']).toBe(FROM);
  });
});

function parseAll(manifest: string): { kind: string; metadata: { name: string } }[] {
  return manifest
    .split(/^---$/m)
    .map((doc) => parse(doc) as { kind: string; metadata: { name: string } } | null)
    .filter((o): o is { kind: string; metadata: { name: string } } => o !== null && typeof o === 'object' && 'kind' in o);
}
