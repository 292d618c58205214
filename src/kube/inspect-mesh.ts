import type { V1MutatingWebhookConfiguration, V1Pod } from '@kubernetes/client-node';
import type { KubeObject } from '../domain/kube-object.js';
import { servedKey, type DaemonSetFacts, type MeshFacts, type MeshQuery, type ServedKind, type WebhookConfigurationFacts } from '../mesh/cluster-facts.js';
import type { KubeClient } from './client.js';
import { orUndefined, site } from './errors.js';
import { readNamespaceObjects } from './namespace-objects.js';
import { agentPodFacts, daemonSetFacts, leaseFacts, namespaceFacts, sidecarFacts, webhookConfigurationFacts } from './facts-map.js';

/** istio-cni's DaemonSet label in Istio's chart (manifests/charts/istio-cni). */
const CNI_SELECTOR = 'k8s-app=istio-cni-node';
const CNI_CONFIG = 'istio-cni-config';
/** Pods per page when scanning the cluster for sidecars: bounded memory on large clusters. */
const PAGE = 500;

/**
 * The reads only preflight makes, all at once: every namespace, the CNI agent wherever it
 * lives, the node agents' pods, every pod with a sidecar, the MutatingWebhookConfigurations
 * and the stable namespace's objects as the copy reads them (what it would write, and which
 * sidecar injectors the canary's pods would meet), which
 * Gateway API kinds are served, and the run lock (read, not taken).
 */
export async function readMeshFacts(client: KubeClient, query: MeshQuery, signal: AbortSignal): Promise<MeshFacts> {
  const [namespaces, cni, ztunnelPods, cniPods, sidecars, mutatingWebhooks, stableObjects, served, lease] = await Promise.all([
    client.call(site('list', 'Namespace'), signal, () => client.core.listNamespace()),
    cniDaemonSet(client, signal),
    client.call(site('list', 'Pod', query.istioNamespace), signal, () => client.core.listNamespacedPod({ namespace: query.istioNamespace, labelSelector: 'app=ztunnel' })),
    client.call(site('list', 'Pod'), signal, () => client.core.listPodForAllNamespaces({ labelSelector: CNI_SELECTOR })),
    sidecarPods(client, signal),
    webhookConfigurations(client, signal),
    readNamespaceObjects(client, query.stableNamespace, signal),
    servedKinds(client, query.served, signal),
    orUndefined(client.call(site('get', 'Lease', query.lease.namespace, query.lease.name), signal, () => client.coordination.readNamespacedLease(query.lease))),
  ]);
  return {
    namespaces: namespaces.items.map(namespaceFacts),
    cni,
    cniConfig: cni ? await cniConfig(client, cni.namespace, signal) : undefined,
    agentPods: [...ztunnelPods.items, ...cniPods.items].map(agentPodFacts),
    sidecars,
    mutatingWebhooks,
    stableObjects,
    served,
    lease: lease ? leaseFacts(lease) : undefined,
  };
}

const ADMISSION_V1 = 'admissionregistration.k8s.io/v1';

async function webhookConfigurations(client: KubeClient, signal: AbortSignal): Promise<WebhookConfigurationFacts[]> {
  const s = site('list', 'MutatingWebhookConfiguration', undefined, undefined, ADMISSION_V1);
  const list = await client.call(s, signal, () => client.objects.list(ADMISSION_V1, 'MutatingWebhookConfiguration'));
  return list.items.map((item) => webhookConfigurationFacts(item as V1MutatingWebhookConfiguration));
}

async function cniDaemonSet(client: KubeClient, signal: AbortSignal): Promise<DaemonSetFacts | undefined> {
  const list = await client.call(site('list', 'DaemonSet'), signal, () => client.apps.listDaemonSetForAllNamespaces({ labelSelector: CNI_SELECTOR }));
  const found = list.items.map(daemonSetFacts);
  return found.find((d) => d.name === 'istio-cni-node') ?? found[0];
}

/** Best effort: the ConfigMap says whether ambient is on; a refusal to read it only makes that check a warning. */
async function cniConfig(client: KubeClient, namespace: string, signal: AbortSignal): Promise<Record<string, string> | undefined> {
  try {
    const cm = await client.call(site('get', 'ConfigMap', namespace, CNI_CONFIG), signal, () => client.core.readNamespacedConfigMap({ namespace, name: CNI_CONFIG }));
    return { ...(cm.data ?? {}) };
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

async function sidecarPods(client: KubeClient, signal: AbortSignal) {
  const found = [];
  let token: string | undefined;
  do {
    const page = await client.call(site('list', 'Pod'), signal, () => client.core.listPodForAllNamespaces({ limit: PAGE, _continue: token }));
    found.push(...page.items.map((p: V1Pod) => sidecarFacts(p)).filter((s) => s !== undefined));
    token = page.metadata?._continue || undefined;
  } while (token);
  return found;
}

/** Like `istioctl x precheck`: a CRD version is usable when the CRD exists and marks that version served. */
async function servedKinds(client: KubeClient, kinds: readonly ServedKind[], signal: AbortSignal): Promise<string[]> {
  const names = [...new Set(kinds.map((k) => k.crd))];
  const crds = await Promise.all(
    names.map((name) => orUndefined(client.call(site('get', 'CustomResourceDefinition', undefined, name), signal, () => client.apiextensions.readCustomResourceDefinition({ name })))),
  );
  const served = new Set(crds.flatMap((crd) => (crd?.spec.versions ?? []).filter((v) => v.served).map((v) => `${crd?.metadata?.name ?? ''}/${v.name}`)));
  return kinds.map(servedKey).filter((k) => served.has(k));
}
