// Backends as the mesh sees them: a Service's Ready endpoints (from the EndpointSlices the real
// controller-manager maintains), each with its pod's node and the data plane that serves it.

import type { V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import type { Capture } from './capture.js';

export interface Endpoint {
  pod: string;
  namespace: string;
  node: string | undefined;
  /** ambient (its node's ztunnel), its own sidecar, or none (answers directly). */
  capture: Capture;
  /** Who the pod is, as Istio's metrics name it; absent when the pod is not in the cache. */
  identity?: WorkloadIdentity;
}

/** The workload labels of Istio's standard metrics, from the pod's owner, labels and account. */
export interface WorkloadIdentity {
  workload: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  serviceAccount: string;
}

/** Ready endpoints per Service key "namespace/name". */
export function serviceEndpoints(
  slices: Iterable<V1EndpointSlice>,
  pods: Map<string, V1Pod>,
  captureOf: (pod: V1Pod | undefined, node: string | undefined) => Capture,
): Map<string, Endpoint[]> {
  const out = new Map<string, Endpoint[]>();
  const seen = new Set<string>();
  for (const slice of slices) {
    const ns = slice.metadata?.namespace ?? '';
    const svc = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${ns}/${svc}`;
    const list = out.get(key) ?? [];
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const podName = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined;
      const podNs = ep.targetRef?.namespace ?? ns;
      const id = `${key}|${podNs}/${podName ?? ep.addresses.join(',')}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const pod = podName ? pods.get(`${podNs}/${podName}`) : undefined;
      const node = ep.nodeName ?? pod?.spec?.nodeName;
      list.push({
        pod: podName ?? ep.addresses[0] ?? '',
        namespace: podNs,
        node,
        capture: captureOf(pod, node),
        ...(pod ? { identity: workloadIdentity(pod) } : {}),
      });
    }
    out.set(key, list);
  }
  return out;
}

/**
 * Istio's rules: the workload is the pod's controller, a ReplicaSet standing for its Deployment
 * (its name less the pod-template-hash); the canonical service and revision come from
 * `service.istio.io/canonical-*`, else `app.kubernetes.io/*`, else `app` / `version`, else the
 * workload name and `latest`.
 */
export function workloadIdentity(pod: V1Pod): WorkloadIdentity {
  const labels = pod.metadata?.labels ?? {};
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = labels['pod-template-hash'];
  let workload = owner?.name ?? pod.metadata?.name ?? 'unknown';
  if (owner?.kind === 'ReplicaSet' && hash && workload.endsWith(`-${hash}`)) workload = workload.slice(0, -hash.length - 1);
  return {
    workload,
    app: labels['app'] ?? 'unknown',
    version: labels['version'] ?? 'unknown',
    canonicalService: labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels['app'] ?? workload,
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels['version'] ?? 'latest',
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
  };
}
