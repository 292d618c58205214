// The control loop: after each batch of watch events (debounced by a few milliseconds, so a
// route change is reflected in its status well within 100 ms), rebuild the world, publish the
// statuses that changed, swap in the new data-plane snapshot and bind or close listeners.

import type { Caches } from '../kube/informers.js';
import type { StatusWriter } from '../kube/status-writer.js';
import { assignAddresses } from '../gateway/addresses.js';
import { canonical, sameStatus } from '../gateway/conditions.js';
import { desiredClassConditions } from '../gateway/gateway-status.js';
import { FaultClock } from '../mesh/faults.js';
import { StateLog, type LogLine } from '../log.js';
import type { Listeners } from '../server/listeners.js';
import { EMPTY_SNAPSHOT, type PortConfig, type Snapshot } from '../server/snapshot.js';
import { describeGateways, describeMesh, describeRoutes } from './describe.js';
import { planGateways, type GatewayPlan, type ListenerRoutes } from './gateways.js';
import { buildWorld, type World } from './world.js';
import { ztunnelActions } from './ztunnel-readiness.js';

const DEBOUNCE_MS = 5;

export class Reconciler {
  private snapshot: Snapshot = EMPTY_SNAPSHOT;
  private addresses = new Map<string, string>();
  /** The routing each Gateway had when its istiod last programmed it. */
  private readonly programmed = new Map<string, Map<number, ListenerRoutes[]>>();
  /** What was last written per object, and on which cached resourceVersion it was based. */
  private readonly written = new Map<string, { canon: string; rv: string | undefined }>();
  private readonly clock = new FaultClock();
  private readonly states: StateLog;
  private timer: NodeJS.Timeout | undefined;
  private lastSlowLog = 0;

  constructor(
    private readonly caches: Caches,
    private readonly writer: StatusWriter,
    private readonly listeners: Listeners,
    private readonly log: LogLine,
  ) {
    this.states = new StateLog(log);
  }

  current = (): Snapshot => this.snapshot;

  schedule = (): void => {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, DEBOUNCE_MS);
  };

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private run(): void {
    if (!this.caches.allSynced()) return;
    const started = performance.now();
    const world = buildWorld(this.caches, this.clock);
    const now = new Date().toISOString();
    this.addresses = assignAddresses([...world.gateways.values()], this.addresses);
    const plan = planGateways(world, this.addresses, (a, p) => this.listeners.error(a, p), now);
    this.writeStatuses(world, plan.gateways, plan.routes, now);
    this.publish(world, plan.gateways);
    for (const a of ztunnelActions(world, now)) {
      // Decide again once a write in flight has come back through the watch.
      if (this.writer.busy(`pod/${a.namespace}/${a.name}`)) continue;
      if (this.shouldWrite(`pod/${a.namespace}/${a.name}`, a.resourceVersion, a.status, undefined)) {
        if (!a.verdict.ok) this.log(`ztunnel pod ${a.namespace}/${a.name}: not Ready, ${a.verdict.message}`);
        this.writer.podStatus(a.namespace, a.name, a.status);
      }
    }
    this.describe(world, plan);
    this.reportSlow(performance.now() - started, world);
  }

  /** Status writes are meant to follow a change within ~100 ms: say when a pass alone is slow. */
  private reportSlow(ms: number, world: World): void {
    if (ms < 50 || Date.now() - this.lastSlowLog < 10_000) return;
    this.lastSlowLog = Date.now();
    this.log(`slow reconcile: ${ms.toFixed(0)} ms (${world.gateways.size} gateways, ${world.routes.length} routes, ${world.ztunnels.length} ztunnel pods, ${world.endpoints.size} services)`);
  }

  /** Skip a write already sent for this cached version, or one that changes nothing. */
  private shouldWrite(key: string, rv: string | undefined, desired: unknown, current: unknown): boolean {
    const canon = canonical(desired);
    const last = this.written.get(key);
    if (last && last.canon === canon && last.rv === rv) return false;
    if (current !== undefined && sameStatus(current, desired)) return false;
    this.written.set(key, { canon, rv });
    return true;
  }

  private writeStatuses(world: World, gateways: GatewayPlan[], routes: ReturnType<typeof planGateways>['routes'], now: string): void {
    for (const c of world.classes) {
      const conditions = desiredClassConditions(c.status?.conditions, c.metadata.generation, now);
      if (this.shouldWrite(`gc/${c.metadata.name}`, c.metadata.resourceVersion, { conditions }, { conditions: c.status?.conditions ?? [] })) {
        this.writer.gatewayClass(c.metadata.name, { conditions });
      }
    }
    for (const g of gateways) {
      const m = g.gateway.metadata;
      if (this.shouldWrite(`gw/${g.key}`, m.resourceVersion, g.status, g.gateway.status ?? {})) this.writer.gateway(m.namespace ?? '', m.name, g.status);
    }
    for (const r of routes) {
      const m = r.route.metadata;
      const desired = { parents: r.parents };
      if (this.shouldWrite(`route/${m.namespace}/${m.name}`, m.resourceVersion, desired, { parents: r.route.status?.parents ?? [] })) {
        this.writer.httpRoute(m.namespace ?? '', m.name, desired);
      }
    }
  }

  private publish(world: World, gateways: GatewayPlan[]): void {
    const ports = new Map<string, PortConfig>();
    for (const g of gateways) {
      if (g.controller.ok) this.programmed.set(g.key, g.ports);
      const tables = this.programmed.get(g.key);
      if (!g.address) continue;
      for (const port of new Set(g.gateway.spec.listeners.map((l) => l.port))) {
        ports.set(`${g.address}:${port}`, { gateway: g.key, listeners: tables?.get(port) });
      }
    }
    for (const key of [...this.programmed.keys()]) if (!world.gateways.has(key)) this.programmed.delete(key);
    this.snapshot = { ports, endpoints: world.endpoints, dataPlane: world.dataPlane };
    this.listeners.sync(new Set(ports.keys()));
  }

  private describe(world: World, plan: ReturnType<typeof planGateways>): void {
    const mesh = describeMesh(world);
    this.states.report('istiod', mesh.istiods);
    this.states.report('ztunnel', mesh.ztunnels);
    this.states.report('node', mesh.nodes);
    this.states.report('gateway', describeGateways(plan.gateways));
    this.states.report('route', describeRoutes(plan.routes));
  }
}
