import { KubeRouteStore } from './route-store.js';
import type { RouteStore } from '../routing/ports.js';
import { ConfigMapRunStore } from './run-store.js';
import { LeaseRunLock, type LeaseLockOptions } from './lease-lock.js';
import type { RunLock, RunStore } from '../state/ports.js';
import { createKubeClient, type KubeClient, type KubeOptions } from './client.js';
import { KubeClusterReader } from './inspect.js';
import { KubeNodeOps } from './nodes.js';
import type { ClusterReader, EventRecorder, NodeOps, WorkloadOps } from './ports.js';
import { KubeEventRecorder, type EventRecorderOptions } from './event-recorder.js';
import { KubeWorkloadOps } from './workloads.js';

export interface KubePortsOptions extends KubeOptions {
  /** Recorded beside each run record (`ambient-canary/0.1.0`), so an older build can say who wrote it. */
  readonly toolVersion?: string | undefined;
  /** Between looks while waiting (rollouts, DaemonSets, drains, namespace deletion). */
  readonly pollMs?: number | undefined;
  readonly lease?: Omit<LeaseLockOptions, 'namespace'> | undefined;
}

export interface KubePorts {
  /** The context and API server in use, for messages. */
  readonly target: KubeClient['target'];
  readonly reader: ClusterReader;
  readonly nodes: NodeOps;
  readonly workloads: WorkloadOps;
  routeStore(ref: { readonly namespace: string; readonly name: string }): RouteStore;
  runStore(namespace: string): RunStore;
  /** `takeover`: --force-unlock, and how a dead holder is recognised (see LeaseLockOptions). */
  runLock(namespace: string, takeover?: Pick<LeaseLockOptions, 'force' | 'holderGone' | 'onTakeover'>): RunLock;
  routeEvents(options: EventRecorderOptions): EventRecorder;
}

/**
 * The Kubernetes side of the composition root. Loads the kubeconfig at once, so an unknown
 * context fails here (InputError, exit 2) before any request; nothing is sent until a port is used.
 */
export function createKubePorts(options: KubePortsOptions): KubePorts {
  const writer = `ambient-canary/${options.toolVersion ?? 'unknown'}`;
  const client = createKubeClient({ ...options, userAgent: options.userAgent ?? writer });
  return {
    target: client.target,
    reader: new KubeClusterReader(client),
    nodes: new KubeNodeOps(client, { pollMs: options.pollMs }),
    workloads: new KubeWorkloadOps(client, { pollMs: options.pollMs }),
    routeStore: (ref) => new KubeRouteStore(client, ref),
    runStore: (namespace) => new ConfigMapRunStore(client, { namespace, writer }),
    runLock: (namespace, takeover) => new LeaseRunLock(client, { ...options.lease, ...takeover, namespace }),
    routeEvents: (o) => new KubeEventRecorder(client, o),
  };
}

export type { KubeClient, KubeOptions } from './client.js';
