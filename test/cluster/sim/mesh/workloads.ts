// Backends as the mesh sees them: a Service's Ready endpoints (from the EndpointSlices the real
// controller-manager maintains), each with its pod's node and whether the pod is in ambient.

import type { V1EndpointSlice, V1Pod } from '@kubernetes/client-node';

export interface Endpoint {
  pod: string;
  namespace: string;
  node: string | undefined;
  ambient: boolean;
}

const MODE = 'istio.io/dataplane-mode';

/** A pod's own label wins (ambient or none); otherwise its namespace's. */
export function isAmbient(pod: V1Pod | undefined, namespaceLabels: Record<string, string> | undefined): boolean {
  const own = pod?.metadata?.labels?.[MODE];
  if (own !== undefined) return own === 'ambient';
  return namespaceLabels?.[MODE] === 'ambient';
}

/** Ready endpoints per Service key "namespace/name". */
export function serviceEndpoints(
  slices: Iterable<V1EndpointSlice>,
  pods: Map<string, V1Pod>,
  namespaceLabels: (ns: string) => Record<string, string> | undefined,
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
      list.push({
        pod: podName ?? ep.addresses[0] ?? '',
        namespace: podNs,
        node: ep.nodeName ?? pod?.spec?.nodeName,
        ambient: isAmbient(pod, namespaceLabels(podNs)),
      });
    }
    out.set(key, list);
  }
  return out;
}
