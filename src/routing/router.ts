import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from '../domain/conflict.js';
import { sleep } from '../domain/sleep.js';
import { InfraError, InputError } from '../domain/errors.js';
import { describeObject } from '../domain/kube-object.js';
import { formatWeights, sameWeights, type WeightPair } from '../domain/weights.js';
import type { HTTPRoute, RouteRule } from '../gateway-api/types.js';
import type { RouteObservation, RouteStore, TrafficRouter } from './ports.js';
import { rejectionFix, routeProgrammed } from '../gateway-api/programmed.js';
import { captureOriginalWeights, managedRuleIndexes, promoted, readWeights, withCanary, withoutCanary, withWeights, type OriginalWeights, type ReadWeights, type RouteContext } from '../gateway-api/rules.js';

export interface RouterOptions {
  readonly store: RouteStore;
  readonly context: RouteContext;
  /** How long the gateway may take to accept a write. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

const MAX_CONFLICTS = 8;

/** TrafficRouter over a Gateway API HTTPRoute: pure rule edits, CAS writes, verified reads. */
export class GatewayApiRouter implements TrafficRouter {
  constructor(private readonly o: RouterOptions) {}

  async reconcile(signal: AbortSignal): Promise<OriginalWeights> {
    const route = await this.o.store.get(signal);
    const rules = route.spec.rules ?? [];
    if (managedRuleIndexes(rules, this.o.context).length === 0) {
      throw new InputError([{ path: '--route', message: `${this.name(route)} sends no traffic to namespace ${this.o.context.stableNamespace}: point a backendRef at the stable Service, or name the right route and --stable-namespace` }]);
    }
    const original = captureOriginalWeights(rules, this.o.context);
    await this.edit((r) => withCanary(r, this.o.context), signal);
    return original;
  }

  async setWeights(weights: WeightPair, signal: AbortSignal): Promise<RouteObservation> {
    const route = await this.edit((r) => withWeights(r, this.o.context, weights), signal);
    const read = readWeights(route.spec.rules ?? [], this.o.context);
    if ((read.kind !== 'weights' || !sameWeights(read.weights, weights))) {
      throw new InfraError(`wrote weights ${formatWeights(weights)} but read back ${describeRead(read)}`, { object: this.name(route), fix: 'another controller may be rewriting the route (Flagger, Argo Rollouts, GitOps): pause it for the upgrade' });
    }
    return { generation: route.metadata.generation ?? 0, weights };
  }

  async getWeights(signal: AbortSignal): Promise<ReadWeights> {
    const route = await this.o.store.get(signal);
    return readWeights(route.spec.rules ?? [], this.o.context);
  }

  async finalize(keep: 'canary' | 'stable', original: OriginalWeights, signal: AbortSignal): Promise<void> {
    const edit = keep === 'canary' ? promoted : withoutCanary;
    await this.edit((r) => edit(r, this.o.context, original), signal);
  }

  /** Read, edit, compare-and-swap; on a conflict read again. Then wait for the gateway. */
  private async edit(change: (rules: readonly RouteRule[]) => RouteRule[], signal: AbortSignal): Promise<HTTPRoute> {
    for (let attempt = 1; ; attempt++) {
      const route = await this.o.store.get(signal);
      const rules = change(route.spec.rules ?? []);
      try {
        const stored = isDeepStrictEqual(rules, route.spec.rules ?? []) ? route : await this.o.store.writeRules(route, rules, signal);
        return await this.waitProgrammed(stored, signal);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_CONFLICTS) throw error;
      }
    }
  }

  private async waitProgrammed(written: HTTPRoute, signal: AbortSignal): Promise<HTTPRoute> {
    const now = this.o.now ?? Date.now;
    const deadline = now() + this.o.timeoutMs;
    const generation = written.metadata.generation ?? 0;
    for (let route = written; ; route = await this.o.store.get(signal)) {
      if ((route.metadata.generation ?? 0) !== generation) {
        throw new InfraError(`${this.name(route)} changed under us (generation ${generation} -> ${route.metadata.generation})`, { fix: 'another writer edits this route: stop it during the upgrade' });
      }
      const state = routeProgrammed(route);
      if (state.state === 'programmed') return route;
      if (state.state === 'rejected') throw new InfraError(`the gateway refused ${this.name(route)}: ${state.detail}`, { object: this.name(route), fix: rejectionFix(state.detail) });
      if (now() >= deadline) throw new InfraError(`${this.name(route)} was not accepted within ${this.o.timeoutMs} ms: ${state.detail}`, { object: this.name(route), fix: 'check that the gateway controller runs and that the Gateway is Programmed' });
      await (this.o.sleep ?? sleep)(this.o.pollMs ?? 100, signal);
    }
  }

  private name(route: HTTPRoute): string {
    return describeObject('HTTPRoute', route.metadata.namespace, route.metadata.name);
  }
}

function describeRead(read: ReadWeights): string {
  switch (read.kind) {
    case 'weights':
      return formatWeights(read.weights);
    case 'no-canary':
      return 'no canary backend';
    case 'unmanaged':
      return 'no stable backend';
    case 'inconsistent':
      return `different splits on different rules (${read.detail})`;
  }
}
