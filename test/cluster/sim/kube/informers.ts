// Watches every kind the simulator reads, through client-node informers that keep their own
// caches; the simulator only learns "something changed" and rebuilds its model from the caches.
// An informer that fails (apiserver restart, CRD not installed yet) is restarted after a pause.
// Nodes are cached but do not wake the loop: their heartbeats would wake it for nothing.

import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ObjectCache,
  type V1ConfigMap,
  type V1MutatingWebhookConfiguration,
  type V1Node,
  type V1ValidatingWebhookConfiguration,
  type V1DaemonSet,
  type V1Deployment,
  type V1EndpointSlice,
  type V1Namespace,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from '../model/gateway-api.js';

export interface Kinds {
  namespaces: V1Namespace;
  pods: V1Pod;
  services: V1Service;
  endpointslices: V1EndpointSlice;
  deployments: V1Deployment;
  daemonsets: V1DaemonSet;
  configmaps: V1ConfigMap;
  mutatingwebhookconfigurations: V1MutatingWebhookConfiguration;
  validatingwebhookconfigurations: V1ValidatingWebhookConfiguration;
  nodes: V1Node;
  gatewayclasses: GatewayClass;
  gateways: Gateway;
  httproutes: HTTPRoute;
  referencegrants: ReferenceGrant;
}

export type KindName = keyof Kinds;
type Lister = () => Promise<{ items: unknown[]; metadata?: { resourceVersion?: string } }>;

/** quiet: cached for lookups, but a change does not wake the loop (node heartbeats). */
type Spec = { path: string; list: Lister; labelSelector?: string; quiet?: true };

function specs(kc: KubeConfig): Record<KindName, Spec> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const disc = kc.makeApiClient(DiscoveryV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const gw = (version: string, plural: string) => ({
    path: `/apis/gateway.networking.k8s.io/${version}/${plural}`,
    list: () => custom.listClusterCustomObject({ group: 'gateway.networking.k8s.io', version, plural }) as ReturnType<Lister>,
  });
  return {
    namespaces: { path: '/api/v1/namespaces', list: () => core.listNamespace() },
    pods: { path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() },
    services: { path: '/api/v1/services', list: () => core.listServiceForAllNamespaces() },
    endpointslices: { path: '/apis/discovery.k8s.io/v1/endpointslices', list: () => disc.listEndpointSliceForAllNamespaces() },
    // Only istiods matter among Deployments; the label is on every istiod the charts render.
    deployments: { path: '/apis/apps/v1/deployments', list: () => apps.listDeploymentForAllNamespaces({ labelSelector: 'app=istiod' }), labelSelector: 'app=istiod' },
    daemonsets: { path: '/apis/apps/v1/daemonsets', list: () => apps.listDaemonSetForAllNamespaces() },
    // Istio's own ConfigMaps (istio-cni-config, istio-sidecar-injector-<rev>, istio-<rev>) all
    // carry istio.io/rev; the rest of the cluster's ConfigMaps would only wake the loop.
    configmaps: { path: '/api/v1/configmaps', list: () => core.listConfigMapForAllNamespaces({ labelSelector: 'istio.io/rev' }), labelSelector: 'istio.io/rev' },
    // istiod's webhook controllers patch the caBundle of the webhook configurations of their
    // revision (labelled istio.io/rev); the admission simulator reads nodes' kubelet versions.
    mutatingwebhookconfigurations: {
      path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      list: () => admission.listMutatingWebhookConfiguration({ labelSelector: 'istio.io/rev' }),
      labelSelector: 'istio.io/rev',
    },
    validatingwebhookconfigurations: {
      path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      list: () => admission.listValidatingWebhookConfiguration({ labelSelector: 'istio.io/rev' }),
      labelSelector: 'istio.io/rev',
    },
    nodes: { path: '/api/v1/nodes', list: () => core.listNode(), quiet: true },
    gatewayclasses: gw('v1', 'gatewayclasses'),
    gateways: gw('v1', 'gateways'),
    httproutes: gw('v1', 'httproutes'),
    referencegrants: gw('v1beta1', 'referencegrants'),
  };
}

export class Caches {
  private readonly informers = new Map<KindName, Informer<KubernetesObject> & ObjectCache<KubernetesObject>>();
  private readonly synced = new Set<KindName>();
  private readonly failing = new Set<KindName>();
  private readonly startedAt = Date.now();
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly onChange: (kind: KindName) => void,
    private readonly log: (line: string) => void,
  ) {}

  list<K extends KindName>(kind: K): Kinds[K][] {
    return (this.informers.get(kind)?.list() ?? []) as unknown as Kinds[K][];
  }

  /**
   * True once every kind has been listed at least once (statuses are not written before), or
   * after 15 s in any case, so that one kind that cannot be listed (a CRD missing) does not stop
   * the rest.
   */
  allSynced(): boolean {
    return this.synced.size === this.informers.size || Date.now() - this.startedAt > 15_000;
  }

  async start(): Promise<void> {
    for (const [kind, spec] of Object.entries(specs(this.kc)) as [KindName, Spec][]) {
      // The informer fills its cache right after the list resolves: mark the kind synced then.
      const list = async () => {
        const result = await spec.list();
        setTimeout(() => this.markSynced(kind), 0);
        if (this.failing.delete(kind)) this.log(`watch ${kind} recovered`);
        return result;
      };
      const informer = makeInformer<KubernetesObject>(this.kc, spec.path, list as never, spec.labelSelector);
      const changed = () => this.onChange(kind);
      if (!spec.quiet) {
        informer.on('add', changed);
        informer.on('update', changed);
        informer.on('delete', changed);
      }
      informer.on('error', (err) => this.restart(kind, informer, err));
      this.informers.set(kind, informer);
    }
    await Promise.all([...this.informers.entries()].map(([kind, i]) => i.start().catch((err) => this.restart(kind, i, err))));
  }

  private markSynced(kind: KindName): void {
    if (this.synced.has(kind)) return;
    this.synced.add(kind);
    this.onChange(kind);
  }

  private restart(kind: KindName, informer: Informer<KubernetesObject>, err: unknown): void {
    if (this.stopped) return;
    const message = err instanceof Error ? err.message : String((err as { code?: number })?.code ?? err);
    // Logged when it starts failing, not at every retry.
    if (!this.failing.has(kind)) this.log(`watch ${kind} failed (${message.split('\n')[0]}); retrying every 2s`);
    this.failing.add(kind);
    setTimeout(() => {
      if (!this.stopped) informer.start().catch((e) => this.restart(kind, informer, e));
    }, 2000).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => undefined)));
  }
}
