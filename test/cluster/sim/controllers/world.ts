// One consistent view of the cluster, rebuilt from the informer caches after every batch of
// changes: the objects by key, the control plane, ztunnels per node and Ready endpoints.

import type { V1DaemonSet, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Caches } from '../kube/informers.js';
import { ISTIO_CONTROLLER, keyOf, type Gateway, type GatewayClass, type HTTPRoute, type ReferenceGrant } from '../model/gateway-api.js';
import { buildControlPlane, type ControlPlane } from '../mesh/control-plane.js';
import type { DataPlaneView, ZtunnelSet } from '../mesh/delivery.js';
import { capture, cniAgents } from '../mesh/capture.js';
import { parseFault, type FaultClock } from '../mesh/faults.js';
import { serviceEndpoints, type Endpoint } from '../mesh/workloads.js';
import { isZtunnelPod, nodeDataPlanes, toZtunnelPod, type ZtunnelPod } from '../mesh/ztunnel.js';

export interface World {
  classes: GatewayClass[];
  /** Our Gateways (their class names istio.io/gateway-controller), by key. */
  gateways: Map<string, Gateway>;
  routes: HTTPRoute[];
  grants: ReferenceGrant[];
  services: Map<string, V1Service>;
  namespaceLabels: Map<string, Record<string, string>>;
  controlPlane: ControlPlane;
  ztunnels: { pod: V1Pod; z: ZtunnelPod }[];
  dataPlane: DataPlaneView;
  endpoints: Map<string, Endpoint[]>;
}

function byKey<T extends { metadata?: { name?: string; namespace?: string } }>(items: T[]): Map<string, T> {
  return new Map(items.map((o) => [`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, o]));
}

function ztunnelSets(daemonSets: V1DaemonSet[], clock: FaultClock): Map<string, ZtunnelSet> {
  const out = new Map<string, ZtunnelSet>();
  const uids = new Set<string>();
  for (const ds of daemonSets) {
    if (ds.spec?.selector?.matchLabels?.['app'] !== 'ztunnel') continue;
    const uid = ds.metadata?.uid ?? `${ds.metadata?.namespace}/${ds.metadata?.name}`;
    uids.add(uid);
    const annotations = ds.metadata?.annotations;
    const fault = parseFault(annotations);
    const created = ds.metadata?.creationTimestamp ? new Date(ds.metadata.creationTimestamp).getTime() : 0;
    out.set(`${ds.metadata?.namespace}/${ds.metadata?.name}`, {
      revision: annotations?.['istio.io/rev'] ?? ds.metadata?.labels?.['istio.io/rev'] ?? 'default',
      fault,
      faultStartMs: clock.startOf(uid, fault, created),
    });
  }
  clock.forget(uids);
  return out;
}

export function buildWorld(caches: Caches, clock: FaultClock): World {
  const classes = caches.list('gatewayclasses').filter((c) => c.spec?.controllerName === ISTIO_CONTROLLER);
  const ourClasses = new Set(classes.map((c) => c.metadata.name));
  const gateways = new Map(caches.list('gateways').filter((g) => ourClasses.has(g.spec?.gatewayClassName)).map((g) => [keyOf(g.metadata), g]));
  const services = byKey(caches.list('services'));
  const namespaceLabels = new Map(caches.list('namespaces').map((n) => [n.metadata?.name ?? '', n.metadata?.labels ?? {}]));
  const pods = caches.list('pods');
  const agents = cniAgents(pods, caches.list('configmaps'));
  const ztunnels = pods.filter(isZtunnelPod).map((pod) => ({ pod, z: toZtunnelPod(pod) }));
  return {
    classes,
    gateways,
    routes: caches.list('httproutes'),
    grants: caches.list('referencegrants'),
    services,
    namespaceLabels,
    controlPlane: buildControlPlane(caches.list('deployments'), [...services.values()]),
    ztunnels,
    dataPlane: { nodes: nodeDataPlanes(ztunnels.map((x) => x.z)), daemonSets: ztunnelSets(caches.list('daemonsets'), clock) },
    endpoints: serviceEndpoints(caches.list('endpointslices'), byKey(pods), (pod, node) =>
      capture(pod, namespaceLabels.get(pod?.metadata?.namespace ?? ''), node ? agents.get(node) : undefined),
    ),
  };
}
