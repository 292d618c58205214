import type { KubeObject } from '../domain/kube-object.js';
import type { CloneOptions } from '../plan/clone.js';
import type { NodeTaint } from '../plan/manifests.js';
import type { ClusterFacts, InspectQuery, MeshFacts, MeshQuery } from '../mesh/cluster-facts.js';
import type { AccessFacts, AccessRequirement } from '../mesh/access.js';

export type { CloneOptions };

/**
 * The Kubernetes operations the orchestrator needs, one narrow interface per concern.
 * Every method honours its AbortSignal; retries on 429/5xx and lost connections live in one
 * place inside the implementation (src/kube/retry.ts). A 409 is not retried by that loop: a
 * compare-and-swap writer re-reads and decides again (retryOnConflict, updateRecord).
 */
export interface ClusterReader {
  /** Fails with InfraError (exit 1) naming the context when the cluster does not answer. */
  inspect(query: InspectQuery, signal: AbortSignal): Promise<ClusterFacts>;
  /**
   * One SelfSubjectAccessReview per requirement, and which cluster answered. The first call
   * preflight makes: its failure means the cluster is unreachable or rejects the credentials.
   */
  reviewAccess(requirements: readonly AccessRequirement[], signal: AbortSignal): Promise<AccessFacts>;
  /** What only preflight reads (every pod is scanned for sidecars): see MeshFacts. */
  inspectMesh(query: MeshQuery, signal: AbortSignal): Promise<MeshFacts>;
}

export interface DrainReport {
  readonly evicted: readonly string[];
  /** DaemonSet and mirror pods stay, as kubectl drain leaves them, and pods outside the mesh. */
  readonly skipped: readonly string[];
}

export interface NodeOps {
  /** Adds (or keeps) the taint. */
  taint(node: string, taint: NodeTaint, signal: AbortSignal): Promise<void>;
  untaint(node: string, taint: NodeTaint, signal: AbortSignal): Promise<void>;
  /** Sets the label, or removes it when value is null. */
  label(node: string, key: string, value: string | null, signal: AbortSignal): Promise<void>;
  cordon(node: string, unschedulable: boolean, signal: AbortSignal): Promise<void>;
  /**
   * Moves the ambient mesh off a node: evicts every pod enrolled in ambient (by its own or
   * its namespace's label) but DaemonSet and mirror pods, through the Eviction API (so
   * PodDisruptionBudgets hold: a refused eviction is retried until the deadline), and waits
   * until they are gone. Pods outside the mesh stay: a ztunnel swap does not touch them.
   */
  drain(node: string, timeoutMs: number, signal: AbortSignal): Promise<DrainReport>;
}

/** An object by apiVersion, kind, name and namespace (ignored for a cluster-scoped kind). */
export interface ReleaseObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

import type { CloneReport } from '../plan/copy-plan.js';
export type { CloneReport };

export interface WorkloadOps {
  /** Server-side apply; every object must carry our ownership label. */
  apply(objects: readonly KubeObject[], signal: AbortSignal): Promise<void>;
  /**
   * Copies the stable namespace into the canary one as plan/copy-plan.ts decides (every kind
   * of plan/copy-kinds.ts, references rewritten, pods pinned to canary nodes); refuses,
   * writing nothing, when an object cannot be copied faithfully and copy.skip does not accept it.
   */
  cloneNamespace(options: CloneOptions, signal: AbortSignal): Promise<CloneReport>;
  /** Every Deployment in the namespace rolled out and available. */
  waitRollout(namespace: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** `numberReady == desiredNumberScheduled == expected > 0`: helm --wait passes a DaemonSet on no node. */
  waitDaemonSet(namespace: string, name: string, expected: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Deletes a namespace we own and waits until it is gone; OwnershipError otherwise. */
  deleteNamespace(name: string, timeoutMs: number, signal: AbortSignal): Promise<'deleted' | 'absent'>;
  /**
   * Deletes one object a Helm release of ours rendered, only when it still carries that
   * release's ownership annotations (meta.helm.sh/release-name and -namespace): what a helm
   * stopped mid-upgrade had still to delete. 'not-owned' changes nothing.
   */
  deleteReleaseObject(object: ReleaseObject, release: { name: string; namespace: string }, signal: AbortSignal): Promise<'deleted' | 'absent' | 'not-owned'>;
  /** Sets `istio.io/rev` on the Gateway (a Gateway without it can lose its routes on upgrade). */
  setGatewayRevision(gateway: { namespace: string; name: string }, revision: string, signal: AbortSignal): Promise<void>;
}

/** Why an event was emitted on the route: `kubectl describe httproute` lists them in order. */
export type RouteEventReason = 'CanaryWeight' | 'CanaryVerdict' | 'CanaryAborted' | 'CanaryPromoted';

export interface RouteEvent {
  readonly reason: RouteEventReason;
  /** Warning for a failed verdict and an abort, so `kubectl get events --field-selector type=Warning` finds them. */
  readonly type: 'Normal' | 'Warning';
  /** What was done, e.g. `SetWeights`, `Judge`, `Revert`, `Promote` (events.k8s.io `action`). */
  readonly action: string;
  /** One human sentence with its numbers (at most 1 kB is kept). */
  readonly note: string;
}

/**
 * Kubernetes Events on the user's HTTPRoute, so the route's own history tells the story of
 * the run. Best effort by contract: an implementation never throws (the run record is the
 * source of truth; an Event is a courtesy to whoever runs `kubectl describe`).
 */
export interface EventRecorder {
  record(event: RouteEvent, signal: AbortSignal): Promise<void>;
}
