// What happens to a request once the gateway picked an endpoint: a pod outside the mesh answers
// directly, a pod with a sidecar through its sidecar (never the node's ztunnel: istio-cni leaves
// it out of ambient); an ambient pod is reached through the ztunnel of its node, which may be
// missing, not Ready, doubled (broken) or carrying its revision's staged faults.

import type { Fault } from './faults.js';
import type { Endpoint } from './workloads.js';
import type { NodeDataPlane } from './ztunnel.js';

export interface ZtunnelSet {
  revision: string;
  fault: Fault;
  faultStartMs: number;
}

export interface DataPlaneView {
  nodes: Map<string, NodeDataPlane>;
  /** By DaemonSet key "namespace/name". */
  daemonSets: Map<string, ZtunnelSet>;
}

export type Delivery =
  | { kind: 'direct' }
  | { kind: 'sidecar'; revision: string }
  | { kind: 'ztunnel'; ztunnel: string; revision: string; set: ZtunnelSet | undefined }
  | { kind: 'fail'; reason: string; ztunnel?: string; revision?: string };

export function deliver(ep: Endpoint, view: DataPlaneView): Delivery {
  if (ep.capture.mode === 'sidecar') return { kind: 'sidecar', revision: ep.capture.revision };
  if (ep.capture.mode === 'none') return { kind: 'direct' };
  const dp = ep.node ? view.nodes.get(ep.node) : undefined;
  if (!dp || dp.state === 'none') return { kind: 'fail', reason: `no ztunnel on node ${ep.node ?? '<unscheduled>'}` };
  if (dp.state === 'broken') return { kind: 'fail', reason: `node ${ep.node} runs ztunnels of two DaemonSets (${dp.daemonSets.join(', ')}): broken data plane` };
  const set = dp.pod.daemonSet ? view.daemonSets.get(dp.pod.daemonSet) : undefined;
  const revision = set?.revision ?? 'default';
  if (dp.state === 'notReady') return { kind: 'fail', reason: `ztunnel ${dp.pod.key} on node ${ep.node} is not Ready`, ztunnel: dp.pod.name, revision };
  return { kind: 'ztunnel', ztunnel: dp.pod.name, revision, set };
}
