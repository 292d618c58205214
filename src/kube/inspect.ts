import { setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '../domain/kube-object.js';
import { GATEWAY_API_GROUP, type HTTPRoute } from '../gateway-api/types.js';
import type { KubeClient } from './client.js';
import { orUndefined, site } from './errors.js';
import type { ClusterFacts, InspectQuery, MeshFacts, MeshQuery, NamespaceFacts, SingletonWebhookFacts } from '../mesh/cluster-facts.js';
import { DEFAULT_TAG_INJECTOR, DEFAULT_VALIDATOR } from '../mesh/charts.js';
import type { AccessFacts, AccessRequirement } from '../mesh/access.js';
import { reviewAccess } from './access-review.js';
import { readMeshFacts } from './inspect-mesh.js';
import { daemonSetFacts, deploymentFacts, isZtunnel, keptCrd, namespaceFacts, nodeFacts, releaseFacts, singletonWebhookFacts } from './facts-map.js';
import type { ClusterReader } from './ports.js';

/** Lists of metadata only: CRDs and Helm release Secrets are large, and we need their names and labels. */
const METADATA_ONLY = setHeaderOptions('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
export const CNI_DAEMONSET = 'istio-cni-node';
const ADMISSION_V1 = 'admissionregistration.k8s.io/v1';

export class KubeClusterReader implements ClusterReader {
  constructor(private readonly client: KubeClient) {}

  /**
   * Every read starts at once; the first failure (an unreachable cluster, say) fails the
   * whole look and cancels the reads still retrying, so the error comes back at once.
   */
  async inspect(query: InspectQuery, signal: AbortSignal): Promise<ClusterFacts> {
    return firstFailureCancels(signal, (s) => this.readAll(query, s));
  }

  async reviewAccess(requirements: readonly AccessRequirement[], signal: AbortSignal): Promise<AccessFacts> {
    const answers = await firstFailureCancels(signal, (s) => reviewAccess(this.client, requirements, s));
    return { context: this.client.target.context, server: this.client.target.server, answers };
  }

  async inspectMesh(query: MeshQuery, signal: AbortSignal): Promise<MeshFacts> {
    return firstFailureCancels(signal, (s) => readMeshFacts(this.client, query, s));
  }

  private async readAll(query: InspectQuery, signal: AbortSignal): Promise<ClusterFacts> {
    const ns = query.istioNamespace;
    const [serverVersion, nodes, namespaces, istiods, daemonSets, crds, route, gateway, releases, defaultValidator, defaultTagInjector] = await Promise.all([
      this.serverVersion(signal),
      this.nodes(signal),
      this.namespaces(query.namespaces, signal),
      this.istiods(ns, signal),
      this.daemonSets(ns, signal),
      this.crds(signal),
      orUndefined(this.custom<HTTPRoute>('HTTPRoute', query.route, signal)),
      orUndefined(this.custom<KubeObject>('Gateway', query.gateway, signal)),
      this.releases(ns, signal),
      this.defaultValidator(signal),
      this.defaultTagInjector(signal),
    ]);
    return {
      serverVersion,
      nodes,
      namespaces,
      istiods,
      ztunnels: daemonSets.filter(isZtunnel).map(daemonSetFacts),
      cni: daemonSets.filter((d) => d.metadata?.name === CNI_DAEMONSET).map(daemonSetFacts)[0],
      crds,
      route,
      gateway,
      releases,
      defaultValidator,
      defaultTagInjector,
    };
  }

  private async serverVersion(signal: AbortSignal): Promise<string> {
    const info = await this.client.call(site('get', 'Version'), signal, () => this.client.version.getCode());
    return info.gitVersion;
  }

  private async nodes(signal: AbortSignal) {
    const list = await this.client.call(site('list', 'Node'), signal, () => this.client.core.listNode());
    return list.items.map(nodeFacts);
  }

  private async namespaces(names: readonly string[], signal: AbortSignal): Promise<Record<string, NamespaceFacts>> {
    const unique = [...new Set(names)];
    const found = await Promise.all(
      unique.map((name) => orUndefined(this.client.call(site('get', 'Namespace', undefined, name), signal, () => this.client.core.readNamespace({ name })))),
    );
    const out: Record<string, NamespaceFacts> = {};
    for (const ns of found) if (ns) out[ns.metadata?.name ?? ''] = namespaceFacts(ns);
    return out;
  }

  private async istiods(namespace: string, signal: AbortSignal) {
    const list = await this.client.call(site('list', 'Deployment', namespace), signal, () => this.client.apps.listNamespacedDeployment({ namespace, labelSelector: 'app=istiod' }));
    return list.items.map(deploymentFacts);
  }

  private async daemonSets(namespace: string, signal: AbortSignal) {
    const list = await this.client.call(site('list', 'DaemonSet', namespace), signal, () => this.client.apps.listNamespacedDaemonSet({ namespace }));
    return list.items;
  }

  private async crds(signal: AbortSignal): Promise<string[]> {
    const list = await this.client.call(site('list', 'CustomResourceDefinition'), signal, () => this.client.apiextensions.listCustomResourceDefinition({}, METADATA_ONLY));
    // A metadata-only list with nothing in it comes back with `items: null`.
    return (list.items ?? []).map((c) => c.metadata?.name ?? '').filter(keptCrd).sort();
  }

  private async custom<T>(kind: 'HTTPRoute' | 'Gateway', ref: { namespace: string; name: string }, signal: AbortSignal): Promise<T> {
    const spec = { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind, metadata: { name: ref.name, namespace: ref.namespace } };
    const read = await this.client.call(site('get', kind, ref.namespace, ref.name), signal, () => this.client.objects.read<KubernetesObject>(spec));
    // Plain JSON, as the RouteStore returns it: client models carry Dates and class instances.
    return JSON.parse(JSON.stringify(read)) as T;
  }

  /** istio-base's validator, by its fixed name: which istiod validates Istio's config, and which release to upgrade to change that. */
  private async defaultValidator(signal: AbortSignal): Promise<SingletonWebhookFacts | undefined> {
    const spec = { apiVersion: ADMISSION_V1, kind: 'ValidatingWebhookConfiguration', metadata: { name: DEFAULT_VALIDATOR } };
    const at = site('get', 'ValidatingWebhookConfiguration', undefined, DEFAULT_VALIDATOR, ADMISSION_V1);
    const read = await orUndefined(this.client.call(at, signal, () => this.client.objects.read<KubernetesObject>(spec)));
    return read ? singletonWebhookFacts(read) : undefined;
  }

  /** The `default` tag's injector, by its fixed name: which istiod release holds the tag. */
  private async defaultTagInjector(signal: AbortSignal): Promise<SingletonWebhookFacts | undefined> {
    const spec = { apiVersion: ADMISSION_V1, kind: 'MutatingWebhookConfiguration', metadata: { name: DEFAULT_TAG_INJECTOR } };
    const at = site('get', 'MutatingWebhookConfiguration', undefined, DEFAULT_TAG_INJECTOR, ADMISSION_V1);
    const read = await orUndefined(this.client.call(at, signal, () => this.client.objects.read<KubernetesObject>(spec)));
    return read ? singletonWebhookFacts(read) : undefined;
  }

  private async releases(namespace: string, signal: AbortSignal) {
    const list = await this.client.call(site('list', 'Secret', namespace), signal, () => this.client.core.listNamespacedSecret({ namespace, labelSelector: 'owner=helm' }, METADATA_ONLY));
    return releaseFacts((list.items ?? []).map((s) => ({ ...s.metadata, namespace: s.metadata?.namespace ?? namespace })));
  }
}

/** Runs parallel reads; the first failure cancels the others (still retrying), so its error comes back at once. */
async function firstFailureCancels<T>(signal: AbortSignal, read: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const first = new AbortController();
  try {
    return await read(AbortSignal.any([signal, first.signal]));
  } catch (err) {
    first.abort(err);
    throw err;
  }
}
