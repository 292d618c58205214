// Which data plane serves a pod, as Istio decides it: istio-cni on the pod's node enrols it in
// ambient when its enablement selectors match (cni/pkg/util/enablement_selector.go, Matches),
// never a hostNetwork pod nor one with a sidecar (podHasSidecar, cni/pkg/util/podutil.go: the
// `sidecar.istio.io/status` annotation istiod's injector writes). A pod with a sidecar is served
// by that sidecar, of the revision whose injector added it. Everything else answers directly.
// The agent's settings come from its ConfigMap istio-cni-config (the chart renders
// AMBIENT_ENABLED and AMBIENT_ENABLEMENT_SELECTOR into it; the agent reads them as env).

import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { LabelSelector } from '../model/gateway-api.js';
import { selectorMatches } from '../model/selectors.js';

export const SIDECAR_STATUS = 'sidecar.istio.io/status';
const CNI_CONFIG = 'istio-cni-config';
const CNI_AGENT_LABEL = 'k8s-app';
const CNI_AGENT = 'istio-cni-node';

export interface EnablementSelector {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

/** One istio-cni agent's ambient settings. */
export interface CniAgent {
  namespace: string;
  ambient: boolean;
  selectors: EnablementSelector[];
}

export type Capture = { mode: 'ambient' } | { mode: 'sidecar'; revision: string } | { mode: 'none' };

function agentOf(cm: V1ConfigMap): CniAgent {
  const data = cm.data ?? {};
  let selectors: EnablementSelector[] = [];
  try {
    const parsed: unknown = parse(data['AMBIENT_ENABLEMENT_SELECTOR'] ?? '');
    if (Array.isArray(parsed)) selectors = parsed as EnablementSelector[];
  } catch {
    // A selector the agent could not parse makes it refuse to start; here it enrols nobody.
  }
  return { namespace: cm.metadata?.namespace ?? '', ambient: data['AMBIENT_ENABLED'] === 'true', selectors };
}

/**
 * The istio-cni agent of each node: the node's (not terminating) pod of an istio-cni-node
 * DaemonSet, with the settings of the ConfigMap in that pod's namespace. Nodes without one
 * capture nothing: without istio-cni no pod is redirected to ztunnel.
 */
export function cniAgents(pods: Iterable<V1Pod>, configMaps: Iterable<V1ConfigMap>): Map<string, CniAgent> {
  const byNamespace = new Map<string, CniAgent>();
  for (const cm of configMaps) if (cm.metadata?.name === CNI_CONFIG) byNamespace.set(cm.metadata.namespace ?? '', agentOf(cm));
  const out = new Map<string, CniAgent>();
  for (const pod of pods) {
    if (pod.metadata?.labels?.[CNI_AGENT_LABEL] !== CNI_AGENT || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) continue;
    const agent = byNamespace.get(pod.metadata.namespace ?? '');
    // Two agents on one node only happen in tests; the one in istio-system is the cluster's.
    if (agent && (!out.has(pod.spec.nodeName) || agent.namespace === 'istio-system')) out.set(pod.spec.nodeName, agent);
  }
  return out;
}

/** The revision of the injector that added the pod's sidecar, from istiod's status annotation. */
export function sidecarRevision(pod: V1Pod): string | undefined {
  const status = pod.metadata?.annotations?.[SIDECAR_STATUS];
  if (status === undefined) return undefined;
  try {
    const revision = (JSON.parse(status) as { revision?: unknown }).revision;
    return typeof revision === 'string' && revision !== '' ? revision : 'default';
  } catch {
    return 'default';
  }
}

export function capture(pod: V1Pod | undefined, namespaceLabels: Record<string, string> | undefined, agent: CniAgent | undefined): Capture {
  if (!pod) return { mode: 'none' };
  const revision = sidecarRevision(pod);
  if (revision !== undefined) return { mode: 'sidecar', revision };
  if (!agent?.ambient || pod.spec?.hostNetwork) return { mode: 'none' };
  const labels = pod.metadata?.labels ?? {};
  const nsLabels = namespaceLabels ?? {};
  // An empty selector selects everything, as labels.Everything() does in the agent.
  const enrolled = agent.selectors.some((s) => selectorMatches(s.podSelector, labels) && selectorMatches(s.namespaceSelector, nsLabels));
  return enrolled ? { mode: 'ambient' } : { mode: 'none' };
}
