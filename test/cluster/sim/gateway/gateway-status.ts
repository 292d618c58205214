// Gateway and GatewayClass status as the Istio controller writes them, for the simulator:
// address (IPAddress on loopback), Accepted, Programmed, and per-listener attachedRoutes.

import { GATEWAY_GROUP, type Condition, type Gateway, type GatewayStatus, type Listener, type ListenerStatus } from '../model/gateway-api.js';
import { condition } from './conditions.js';

export type ControllerVerdict = { ok: true; istiod: string } | { ok: false; reason: string; message: string };

export interface GatewayFacts {
  address: string | undefined;
  controller: ControllerVerdict;
  attachedRoutes: (listener: string) => number;
  bindError: (listener: Listener) => string | undefined;
}

const HTTP = new Set(['HTTP', 'HTTPS']);

function listenerStatus(gw: Gateway, l: Listener, facts: GatewayFacts, now: string): ListenerStatus {
  const gen = gw.metadata.generation;
  const prev = gw.status?.listeners?.find((s) => s.name === l.name)?.conditions;
  const supported = HTTP.has(l.protocol);
  const bindError = supported ? facts.bindError(l) : undefined;
  const programmed = supported && facts.controller.ok && !bindError && facts.address !== undefined;
  const programMessage = !supported ? `protocol ${l.protocol} is not simulated` : bindError ?? (facts.controller.ok ? 'Listener programmed' : facts.controller.message);
  return {
    name: l.name,
    supportedKinds: supported ? [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] : [],
    attachedRoutes: supported ? facts.attachedRoutes(l.name) : 0,
    conditions: [
      condition('Accepted', supported, supported ? 'Accepted' : 'UnsupportedProtocol', supported ? 'No errors found' : programMessage, gen, prev, now),
      condition('Programmed', programmed, programmed ? 'Programmed' : 'Invalid', programMessage, gen, prev, now),
      condition('ResolvedRefs', true, 'ResolvedRefs', 'No errors found', gen, prev, now),
      condition('Conflicted', false, 'NoConflicts', 'No errors found', gen, prev, now),
    ],
  };
}

function programmedCondition(gw: Gateway, facts: GatewayFacts, listeners: ListenerStatus[], now: string): Condition {
  const gen = gw.metadata.generation;
  const prev = gw.status?.conditions;
  if (!facts.controller.ok) return condition('Programmed', false, facts.controller.reason, facts.controller.message, gen, prev, now);
  if (facts.address === undefined) return condition('Programmed', false, 'AddressNotAssigned', 'no loopback address left to assign', gen, prev, now);
  const broken = listeners.filter((l) => l.conditions.some((c) => c.type === 'Programmed' && c.status === 'False'));
  if (broken.length > 0) return condition('Programmed', false, 'Invalid', `listeners not programmed: ${broken.map((l) => l.name).join(', ')}`, gen, prev, now);
  return condition('Programmed', true, 'Programmed', `Resource programmed by ${facts.controller.istiod}`, gen, prev, now);
}

export function desiredGatewayStatus(gw: Gateway, facts: GatewayFacts, now: string): GatewayStatus {
  const listeners = gw.spec.listeners.map((l) => listenerStatus(gw, l, facts, now));
  return {
    ...(facts.address !== undefined ? { addresses: [{ type: 'IPAddress', value: facts.address }] } : {}),
    conditions: [
      condition('Accepted', true, 'Accepted', 'Resource accepted', gw.metadata.generation, gw.status?.conditions, now),
      programmedCondition(gw, facts, listeners, now),
    ],
    listeners,
  };
}

export function desiredClassConditions(previous: Condition[] | undefined, generation: number | undefined, now: string): Condition[] {
  return [condition('Accepted', true, 'Accepted', 'Handled by the ambient-canary simulator as istio.io/gateway-controller', generation, previous, now)];
}
