import type { WeightPair } from '../domain/weights.js';
import type { HTTPRoute, RouteRule } from '../gateway-api/types.js';
import type { OriginalWeights, ReadWeights } from '../gateway-api/rules.js';

/** Raw reads and compare-and-swap writes of one HTTPRoute (the Kubernetes side). */
export interface RouteStore {
  /** InputError when the route does not exist (the user names it). */
  get(signal: AbortSignal): Promise<HTTPRoute>;
  /**
   * Replaces spec.rules only if the route is still at `route.metadata.resourceVersion`;
   * ConflictError otherwise. Merge patch with the whole rules array: custom resources
   * take no strategic merge.
   */
  writeRules(route: HTTPRoute, rules: RouteRule[], signal: AbortSignal): Promise<HTTPRoute>;
}

/** What a verified write observed: the generation the gateway accepted and the split read back. */
export interface RouteObservation {
  readonly generation: number;
  readonly weights: WeightPair;
}

/**
 * Traffic between the stable and canary backends of the user's HTTPRoute (after
 * Flagger's router interface). Every write is verified: Accepted and ResolvedRefs at the
 * route's new generation, and the weights read back equal to those written.
 */
export interface TrafficRouter {
  /** Adds canary backends at weight 0 and the smoke header rule; returns the weights to restore later. */
  reconcile(signal: AbortSignal): Promise<OriginalWeights>;
  setWeights(weights: WeightPair, signal: AbortSignal): Promise<RouteObservation>;
  getWeights(signal: AbortSignal): Promise<ReadWeights>;
  /** Leaves one set of backends: the canary's (promote) or the stable's (revert). */
  finalize(keep: 'canary' | 'stable', original: OriginalWeights, signal: AbortSignal): Promise<void>;
}
