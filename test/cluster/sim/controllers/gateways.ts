// The Gateway controller's decisions for one snapshot of the world: which routes attach where,
// the statuses to publish, and each Gateway's compiled routing tables per port.

import { attachRoute, type ParentVerdict } from '../gateway/attachment.js';
import { desiredGatewayStatus, type ControllerVerdict } from '../gateway/gateway-status.js';
import { resolveBackend, routeRefProblem, type RefWorld } from '../gateway/references.js';
import { desiredRouteParents } from '../gateway/route-status.js';
import { ISTIO_CONTROLLER, keyOf, type Gateway, type GatewayStatus, type HTTPRoute, type Listener, type RouteParentStatus } from '../model/gateway-api.js';
import { gatewayController } from '../mesh/control-plane.js';
import { compileTable, type Candidate, type RouteInput } from '../routing/table.js';
import type { World } from './world.js';

export interface ListenerRoutes {
  name: string;
  hostname: string | undefined;
  table: Candidate[];
}

export interface GatewayPlan {
  key: string;
  gateway: Gateway;
  address: string | undefined;
  controller: ControllerVerdict;
  status: GatewayStatus;
  /** Routing per listener port; only to be served when the controller is ok. */
  ports: Map<number, ListenerRoutes[]>;
}

export interface RoutePlan {
  route: HTTPRoute;
  parents: RouteParentStatus[];
}

export type BindError = (address: string, port: number) => string | undefined;

function createdMs(route: HTTPRoute): number {
  const t = route.metadata.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

/** Per Gateway key, per listener name: the routes attached there with their effective hostnames. */
function attachments(routes: HTTPRoute[], verdicts: Map<HTTPRoute, ParentVerdict[]>): Map<string, Map<string, RouteInput[]>> {
  const out = new Map<string, Map<string, RouteInput[]>>();
  for (const route of routes) {
    for (const v of verdicts.get(route) ?? []) {
      if (!v.accepted) continue;
      const perListener = out.get(v.gatewayKey) ?? new Map<string, RouteInput[]>();
      for (const a of v.attachments) {
        const list = perListener.get(a.listener) ?? [];
        if (!list.some((r) => r.key === keyOf(route.metadata))) {
          list.push({ key: keyOf(route.metadata), namespace: route.metadata.namespace ?? '', createdMs: createdMs(route), hostnames: a.hostnames, rules: route.spec.rules ?? [] });
        }
        perListener.set(a.listener, list);
      }
      out.set(v.gatewayKey, perListener);
    }
  }
  return out;
}

function portTables(gw: Gateway, attached: Map<string, RouteInput[]> | undefined, refs: RefWorld): Map<number, ListenerRoutes[]> {
  const ports = new Map<number, ListenerRoutes[]>();
  for (const l of gw.spec.listeners.filter((x: Listener) => x.protocol === 'HTTP' || x.protocol === 'HTTPS')) {
    const table = compileTable(attached?.get(l.name) ?? [], (ref, ns) => resolveBackend(refs, ref, ns));
    const list = ports.get(l.port) ?? [];
    list.push({ name: l.name, hostname: l.hostname?.toLowerCase(), table });
    ports.set(l.port, list);
  }
  return ports;
}

export function planGateways(world: World, addresses: Map<string, string>, bindError: BindError, now: string): { gateways: GatewayPlan[]; routes: RoutePlan[] } {
  const nsLabels = (ns: string) => world.namespaceLabels.get(ns);
  const refs: RefWorld = { grants: world.grants, serviceExists: (ns, name) => world.services.has(`${ns}/${name}`) };
  const verdicts = new Map(world.routes.map((r) => [r, attachRoute(r, world.gateways, nsLabels)]));
  const attached = attachments(world.routes, verdicts);
  const gateways: GatewayPlan[] = [];
  for (const [key, gw] of world.gateways) {
    const address = addresses.get(key);
    const controller = gatewayController(world.controlPlane, gw.metadata.labels);
    const perListener = attached.get(key);
    const status = desiredGatewayStatus(
      gw,
      {
        address,
        controller,
        attachedRoutes: (name) => perListener?.get(name)?.length ?? 0,
        bindError: (l) => (address ? bindError(address, l.port) : undefined),
      },
      now,
    );
    gateways.push({ key, gateway: gw, address, controller, status, ports: portTables(gw, perListener, refs) });
  }
  const programmed = new Set(gateways.filter((g) => g.controller.ok).map((g) => g.key));
  const routes: RoutePlan[] = [];
  for (const [route, vs] of verdicts) {
    // Routes that never named our Gateways are none of our business; ones that did lose our entries.
    if (vs.length === 0 && !(route.status?.parents ?? []).some((p) => p.controllerName === ISTIO_CONTROLLER)) continue;
    const backendRefs = (route.spec.rules ?? []).flatMap((r) => r.backendRefs ?? []);
    const problem = routeRefProblem(refs, backendRefs, route.metadata.namespace ?? '');
    routes.push({ route, parents: desiredRouteParents(route, vs, problem ?? {}, (k) => programmed.has(k), now) });
  }
  return { gateways, routes };
}
