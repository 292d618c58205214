import { describe, expect, it } from 'vitest';
import { rejectionFix, routeProgrammed } from '../../../src/gateway-api/programmed.js';
import type { Condition, HTTPRoute, RouteParentStatus } from '../../../src/gateway-api/types.js';

type ParentRef = { name: string; namespace?: string; sectionName?: string };
const INGRESS: ParentRef = { name: 'ingress', namespace: 'istio-ingress' };

function cond(type: string, status: Condition['status'], observedGeneration: number | undefined, reason = type): Condition {
  return { type, status, reason, observedGeneration };
}

function parentStatus(parentRef: ParentRef, conditions: Condition[]): RouteParentStatus {
  return { parentRef, controllerName: 'istio.io/gateway-controller', conditions };
}

function route(generation: number, parentRefs: ParentRef[], parents: RouteParentStatus[]): HTTPRoute {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'istio-ingress', generation }, spec: { parentRefs, rules: [] }, status: { parents } };
}

const ok = (gen: number) => [cond('Accepted', 'True', gen), cond('ResolvedRefs', 'True', gen)];

describe('routeProgrammed', () => {
  it('is programmed when Accepted and ResolvedRefs are True at the current generation', () => {
    expect(routeProgrammed(route(4, [INGRESS], [parentStatus(INGRESS, ok(4))]))).toEqual({ state: 'programmed', generation: 4 });
  });

  it.each([
    ['both conditions are about an older generation', [cond('Accepted', 'True', 3), cond('ResolvedRefs', 'True', 3)]],
    ['ResolvedRefs is about an older generation', [cond('Accepted', 'True', 4), cond('ResolvedRefs', 'True', 3)]],
    ['the conditions carry no generation', [cond('Accepted', 'True', undefined), cond('ResolvedRefs', 'True', undefined)]],
    ['ResolvedRefs is missing', [cond('Accepted', 'True', 4)]],
    ['an older rejection is all there is', [cond('Accepted', 'False', 3, 'NotAllowedByListeners'), cond('ResolvedRefs', 'True', 4)]],
  ])('is pending when %s', (_what, conditions) => {
    expect(routeProgrammed(route(4, [INGRESS], [parentStatus(INGRESS, conditions)]))).toMatchObject({ state: 'pending', detail: expect.stringContaining('generation 4') });
  });

  it('is pending while a parent has not reported at all', () => {
    expect(routeProgrammed(route(1, [INGRESS], []))).toEqual({ state: 'pending', detail: 'parent istio-ingress/ingress has not reported status yet' });
  });

  it.each([
    ['RefNotPermitted', 'ResolvedRefs', /ReferenceGrant/],
    ['BackendNotFound', 'ResolvedRefs', /Service named by a backendRef does not exist/],
    ['NotAllowedByListeners', 'Accepted', /allowedRoutes/],
  ])('is rejected on %s at the current generation, with a fix', (reason, type, fix) => {
    const conditions = ok(5).map((c) => (c.type === type ? { ...cond(type, 'False', 5, reason), message: 'details from the controller' } : c));
    const result = routeProgrammed(route(5, [INGRESS], [parentStatus(INGRESS, conditions)]));
    expect(result.state).toBe('rejected');
    const detail = result.state === 'rejected' ? result.detail : '';
    expect(detail).toContain(`${type}=False (${reason}: details from the controller)`);
    expect(rejectionFix(detail)).toMatch(fix);
  });

  it('has no canned fix for an unusual reason', () => {
    expect(rejectionFix('parent x: Accepted=False (SomethingNew)')).toBeUndefined();
  });

  it('is rejected when the route has no parent at all', () => {
    expect(routeProgrammed(route(1, [], []))).toMatchObject({ state: 'rejected', detail: expect.stringContaining('no parentRefs') });
  });

  describe('with several parents', () => {
    const internal: ParentRef = { name: 'internal', namespace: 'istio-ingress' };

    it('is programmed only when every parent has taken the generation', () => {
      const both = route(2, [INGRESS, internal], [parentStatus(INGRESS, ok(2)), parentStatus(internal, ok(2))]);
      const lagging = route(2, [INGRESS, internal], [parentStatus(INGRESS, ok(2)), parentStatus(internal, ok(1))]);
      expect(routeProgrammed(both).state).toBe('programmed');
      expect(routeProgrammed(lagging)).toMatchObject({ state: 'pending', detail: expect.stringContaining('istio-ingress/internal') });
    });

    it('is rejected when one parent refuses it', () => {
      const refused = route(2, [INGRESS, internal], [parentStatus(INGRESS, ok(2)), parentStatus(internal, [cond('Accepted', 'True', 2), cond('ResolvedRefs', 'False', 2, 'RefNotPermitted')])]);
      expect(routeProgrammed(refused)).toMatchObject({ state: 'rejected', detail: expect.stringContaining('istio-ingress/internal') });
    });
  });

  describe('matching status to parentRefs', () => {
    it('takes a parentRef without namespace to mean the route\'s namespace', () => {
      const local: ParentRef = { name: 'ingress' };
      expect(routeProgrammed(route(1, [local], [parentStatus(INGRESS, ok(1))])).state).toBe('programmed');
      expect(routeProgrammed(route(1, [INGRESS], [parentStatus(local, ok(1))])).state).toBe('programmed');
    });

    it('tells listeners apart by sectionName', () => {
      const http = { ...INGRESS, sectionName: 'http' };
      const https = { ...INGRESS, sectionName: 'https' };
      expect(routeProgrammed(route(1, [http], [parentStatus(http, ok(1))])).state).toBe('programmed');
      expect(routeProgrammed(route(1, [http], [parentStatus(https, ok(1))])).state).toBe('pending');
      expect(routeProgrammed(route(1, [http], [parentStatus(INGRESS, ok(1))])).state).toBe('pending');
    });

    it('does not take the status of a gateway of the same name in another namespace', () => {
      expect(routeProgrammed(route(1, [INGRESS], [parentStatus({ name: 'ingress', namespace: 'other' }, ok(1))])).state).toBe('pending');
    });
  });
});
