import { join } from 'node:path';
import { inject } from 'vitest';
import type { KubeClient } from '../../../src/kube/client.js';
import { routeProgrammed } from '../../../src/gateway-api/programmed.js';
import type { HTTPRoute } from '../../../src/gateway-api/types.js';
import { gatewayUrl } from '../../../src/mesh/gateway-url.js';
import { MANAGED_BY, MANAGER } from '../../../src/mesh/labels.js';
import { FROM, FROM_REV, TO } from '../../support/demo-versions.js';
import { clusterKubeconfig, deployment, suffix } from '../kube/support.js';
import { createObject, helm, helmBinary, ownNamespace, ownNodes, repoRoot, waitFor } from './support.js';

/**
 * The demo's stable state, built again in the test's own namespaces, nodes and releases so that
 * failures can be staged without touching the shared demo: Istio's real istiod and ztunnel charts
 * of the demo's stable version (istiod-<FROM_REV>, ztunnel-<FROM_REV> pinned to nodes labelled
 * <own label>=<FROM_REV>, with the demo's revisions/<FROM>/ values) in an own istio namespace, an
 * ambient app namespace with `web`, a Gateway and an HTTPRoute to it, and one free node for the canary.
 */
export interface OwnMesh {
  readonly id: string;
  readonly label: string;
  readonly istioNs: string;
  readonly stableNs: string;
  readonly routeNs: string;
  readonly freeNode: string;
  readonly stableNodes: readonly string[];
  /** Flags that point doctor (or upgrade) at this mesh. */
  readonly flags: string[];
  cleanup(): Promise<void>;
}

const OWNED_LABELS = ['--labels', `${MANAGED_BY}=${MANAGER}`];
const VALUES = join(repoRoot, 'revisions', FROM);

/** `<chart> --repo <the local chart repository> --version <version>`: Istio's real chart, as the product and the demo install it. */
export function chartRef(chart: 'istiod' | 'ztunnel', version = FROM): string[] {
  return [chart, '--repo', inject('chartRepoUrl'), '--version', version];
}

/**
 * `--chart-repo` and the demo's versions, as the product is pointed at the local chart repository.
 * No stable probe: these tests are about the read-only checks on a mesh of their own, whose
 * Gateway no test sends traffic through (the probe is tested in unit and e2e tests).
 */
export function productFlags(): string[] {
  return ['--chart-repo', inject('chartRepoUrl'), '--from', FROM, '--to', TO, '--stable-probe', '0'];
}

/**
 * istiod-<FROM_REV> of the real chart in `ns`. Outside istio-system the chart needs
 * global.istioNamespace: its ServiceAccount, Role, webhook Service, cluster role subjects and
 * ValidatingAdmissionPolicy name follow it, not the release namespace (and would collide with the
 * demo's istiod of the same revision in istio-system). No revisionTags: the demo's owns `default`.
 */
export async function installIstiod(ns: string, ambient = true): Promise<void> {
  const profile = ambient ? ['--set', 'profile=ambient'] : [];
  await helm('upgrade', '--install', `istiod-${FROM_REV}`, ...chartRef('istiod'), '-n', ns, '--wait', '--timeout', '2m', ...OWNED_LABELS, '-f', join(VALUES, 'control-plane.yaml'),
    '--set-string', `revision=${FROM_REV}`, ...profile, '--set-string', `global.istioNamespace=${ns}`, '--set-string', `trustedZtunnelName=ztunnel-${FROM_REV}`, '--set-string', `trustedZtunnelNamespace=${ns}`);
}

/** ztunnel-<FROM_REV> of the real chart in `ns`, talking to that namespace's istiod, on the nodes matching `nodeSelector`. */
export async function installZtunnel(ns: string, nodeSelector: Record<string, string>, extra: string[] = []): Promise<void> {
  const sel = Object.entries(nodeSelector).flatMap(([k, v]) => ['--set-string', `nodeSelector.${k.replaceAll('.', '\\.')}=${v}`]);
  await helm('upgrade', '--install', `ztunnel-${FROM_REV}`, ...chartRef('ztunnel'), '-n', ns, '--wait', '--timeout', '2m', ...OWNED_LABELS, '-f', join(VALUES, 'data-plane.yaml'),
    '--set-string', `revision=${FROM_REV}`, '--set-string', `resourceName=ztunnel-${FROM_REV}`, '--set-string', `istioNamespace=${ns}`, ...sel, ...extra);
}

async function app(client: KubeClient, m: { id: string; label: string; stableNs: string; routeNs: string }): Promise<void> {
  const toleration = { key: `preflight.ambient-canary.dev/${m.id}`, operator: 'Exists', effect: 'NoSchedule' };
  await createObject(client, deployment(m.stableNs, 'web', 1, { nodeSelector: { [m.label]: FROM_REV }, tolerations: [toleration] }));
  await createObject(client, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: m.stableNs }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
  await createObject(client, {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'from-ingress', namespace: m.stableNs },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: m.routeNs }], to: [{ group: '', kind: 'Service' }] },
  });
  await createObject(client, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: m.routeNs, labels: { 'istio.io/rev': FROM_REV } }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] } });
  await createRoute(client, m.routeNs, 'web', { name: 'web', namespace: m.stableNs, port: 80 });
}

export async function createRoute(client: KubeClient, ns: string, name: string, backend: { name: string; namespace: string; port: number }): Promise<void> {
  await createObject(client, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backend] }] } });
}

/** Waits until the Gateway's controller has reported on the route's current generation (programmed or refused). */
export async function routeReported(client: KubeClient, ns: string, name: string): Promise<ReturnType<typeof routeProgrammed>> {
  return waitFor(`HTTPRoute ${ns}/${name} status`, async () => {
    const route = JSON.parse(JSON.stringify(await client.objects.read({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: ns } }))) as HTTPRoute;
    const state = routeProgrammed(route);
    return state.state === 'pending' ? undefined : state;
  });
}

async function settled(client: KubeClient, m: OwnMesh): Promise<void> {
  await routeReported(client, m.routeNs, 'web');
  await waitFor('the Gateway address', async () => gatewayUrl(JSON.parse(JSON.stringify(await client.objects.read({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: m.routeNs } })))) ?? undefined);
  const mine = new Set([...m.stableNodes, m.freeNode]);
  await waitFor('istio-cni Ready on the own nodes', async () => {
    const pods = await client.core.listPodForAllNamespaces({ labelSelector: 'k8s-app=istio-cni-node' });
    const ready = pods.items.filter((p) => mine.has(p.spec?.nodeName ?? '') && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === mine.size ? true : undefined;
  });
}

export async function ownStableMesh(client: KubeClient): Promise<OwnMesh> {
  const id = suffix();
  const label = `preflight.ambient-canary.dev/rev-${id}`;
  const [istioNs, stableNs, routeNs] = [`pf-${id}-istio`, `pf-${id}-app`, `pf-${id}-ingress`];
  const stableNodes = [`pf-${id}-a`, `pf-${id}-b`];
  const freeNode = `pf-${id}-c`;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const rel of [`ztunnel-${FROM_REV}`, `istiod-${FROM_REV}`]) await helm('uninstall', rel, '-n', istioNs, '--ignore-not-found').catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    cleanups.push(...(await ownNodes(client, id, [...stableNodes, freeNode], (n) => (stableNodes.includes(n) ? { [label]: FROM_REV } : {}))));
    cleanups.push(await ownNamespace(client, istioNs));
    // Ambient only: istio.io/rev here would select the revision's sidecar injector (ISTIO-FACTS).
    cleanups.push(await ownNamespace(client, stableNs, { 'istio.io/dataplane-mode': 'ambient' }));
    cleanups.push(await ownNamespace(client, routeNs));
    await installIstiod(istioNs);
    await installZtunnel(istioNs, { [label]: FROM_REV });
    await app(client, { id, label, stableNs, routeNs });
    const flags = ['--kubeconfig', clusterKubeconfig(), '--helm', helmBinary(), ...productFlags(), '--istio-namespace', istioNs, '--node-label', label,
      '--stable-namespace', stableNs, '--canary-namespace', `pf-${id}-canary`, '--route', `${routeNs}/web`, '--gateway', `${routeNs}/gw`, '--state-namespace', istioNs, '--canary-nodes', freeNode];
    const mesh: OwnMesh = { id, label, istioNs, stableNs, routeNs, freeNode, stableNodes, flags, cleanup };
    await settled(client, mesh);
    return mesh;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The flags with one replaced (`--route`, say) or added. */
export function withFlag(flags: readonly string[], flag: string, value: string): string[] {
  const i = flags.indexOf(flag);
  return i >= 0 ? [...flags.slice(0, i), flag, value, ...flags.slice(i + 2)] : [...flags, flag, value];
}
