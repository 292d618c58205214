// ztunnel as the data plane of a node: which ztunnel serves each node, whether its istiod trusts
// it (real istiod refuses certificates to an untrusted ServiceAccount: "request authenticate
// failure", istio/istio#55488), and the broken case of two ztunnel DaemonSets on one node.

import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { istiodForAddress, type ControlPlane } from './control-plane.js';

export const CERT_CONDITION = 'sim.ambient-canary.dev/CertificateIssued';
const DEFAULT_CA = 'istiod.istio-system.svc:15012';

export interface ZtunnelPod {
  key: string;
  name: string;
  namespace: string;
  node: string | undefined;
  daemonSet: string | undefined;
  serviceAccount: string;
  caAddress: string;
  ready: boolean;
  running: boolean;
  terminating: boolean;
  certIssued: boolean;
}

/** Istio's own test (IsZtunnelPod, cni/pkg/util/podutil.go) is the label; ours also wants its DaemonSet. */
export function isZtunnelPod(pod: V1Pod): boolean {
  return pod.metadata?.labels?.['app'] === 'ztunnel' && (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet');
}

function conditionTrue(pod: V1Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function toZtunnelPod(pod: V1Pod): ZtunnelPod {
  const ns = pod.metadata?.namespace ?? '';
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.kind === 'DaemonSet');
  const container = (pod.spec?.containers ?? []).find((c) => c.name === 'istio-proxy') ?? pod.spec?.containers?.[0];
  const ca = container?.env?.find((e) => e.name === 'CA_ADDRESS')?.value;
  return {
    key: `${ns}/${pod.metadata?.name ?? ''}`,
    name: pod.metadata?.name ?? '',
    namespace: ns,
    node: pod.spec?.nodeName || undefined,
    daemonSet: owner ? `${ns}/${owner.name}` : undefined,
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
    caAddress: ca || DEFAULT_CA,
    ready: conditionTrue(pod, 'Ready'),
    running: pod.status?.phase === 'Running',
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    certIssued: conditionTrue(pod, CERT_CONDITION),
  };
}

export type TrustVerdict = { ok: true; istiod: string } | { ok: false; reason: string; message: string };

/** Would this ztunnel get its certificates from its istiod right now? */
export function trustVerdict(z: ZtunnelPod, cp: ControlPlane, services: Map<string, V1Service>): TrustVerdict {
  const istiod = istiodForAddress(cp, z.caAddress, services);
  if (!istiod) return { ok: false, reason: 'NoControlPlane', message: `no istiod behind CA_ADDRESS ${z.caAddress}` };
  if (!istiod.ready) return { ok: false, reason: 'ControlPlaneNotReady', message: `${istiod.key} is not Ready` };
  if (!istiod.ambient) return { ok: false, reason: 'AmbientDisabled', message: `${istiod.key} runs without PILOT_ENABLE_AMBIENT=true (profile=ambient)` };
  const account = `${z.namespace}/${z.serviceAccount}`;
  if (!istiod.trusted.has(account)) {
    return {
      ok: false,
      reason: 'CertificateRequestFailed',
      message: `request authenticate failure: ${account} is not a trusted node account of ${istiod.key} (CA_TRUSTED_NODE_ACCOUNTS=${istiod.trustedRaw || '<empty>'}; set trustedZtunnelName)`,
    };
  }
  return { ok: true, istiod: istiod.key };
}

export type NodeDataPlane =
  | { state: 'none' }
  | { state: 'notReady'; pod: ZtunnelPod }
  | { state: 'broken'; daemonSets: string[] }
  | { state: 'ready'; pod: ZtunnelPod };

/**
 * The data plane of each node that has ztunnel pods. Terminating pods are gone already (they
 * drain); pods of two different DaemonSets on one node break it (both grab the node's traffic,
 * istio/istio#51126); two pods of one DaemonSet are a surge rollout, served by a Ready one.
 */
export function nodeDataPlanes(ztunnels: ZtunnelPod[]): Map<string, NodeDataPlane> {
  const byNode = new Map<string, ZtunnelPod[]>();
  for (const z of ztunnels) {
    if (!z.node || z.terminating) continue;
    const list = byNode.get(z.node) ?? [];
    list.push(z);
    byNode.set(z.node, list);
  }
  const out = new Map<string, NodeDataPlane>();
  for (const [node, pods] of byNode) {
    const sets = [...new Set(pods.map((p) => p.daemonSet ?? p.key))].sort();
    if (sets.length > 1) out.set(node, { state: 'broken', daemonSets: sets });
    else {
      const ready = pods.find((p) => p.ready);
      out.set(node, ready ? { state: 'ready', pod: ready } : { state: 'notReady', pod: pods[0]! });
    }
  }
  return out;
}
