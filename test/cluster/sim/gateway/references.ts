// Whether a route may use a backendRef: the kind must be a core Service, a Service in another
// namespace needs a ReferenceGrant there, and the Service must exist.

import { GATEWAY_GROUP, type BackendRef, type ReferenceGrant } from '../model/gateway-api.js';
import type { BackendTarget } from '../routing/table.js';

export interface RefWorld {
  grants: ReferenceGrant[];
  serviceExists(namespace: string, name: string): boolean;
}

export type RefProblem = 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound';

export function grantAllows(grants: ReferenceGrant[], fromNamespace: string, toNamespace: string, serviceName: string): boolean {
  return grants.some(
    (g) =>
      g.metadata.namespace === toNamespace &&
      (g.spec.from ?? []).some((f) => f.group === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === fromNamespace) &&
      (g.spec.to ?? []).some((t) => (t.group ?? '') === '' && t.kind === 'Service' && (!t.name || t.name === serviceName)),
  );
}

export function checkBackendRef(world: RefWorld, ref: BackendRef, routeNamespace: string): { problem: RefProblem; message: string } | undefined {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  if (group !== '' || kind !== 'Service') return { problem: 'InvalidKind', message: `backendRef ${ref.name}: unsupported kind ${group ? `${group}/` : ''}${kind}` };
  const namespace = ref.namespace ?? routeNamespace;
  if (namespace !== routeNamespace && !grantAllows(world.grants, routeNamespace, namespace, ref.name)) {
    return { problem: 'RefNotPermitted', message: `backendRef ${namespace}/${ref.name} not permitted by any ReferenceGrant in ${namespace}` };
  }
  if (!world.serviceExists(namespace, ref.name)) return { problem: 'BackendNotFound', message: `backend Service ${namespace}/${ref.name} not found` };
  return undefined;
}

export function resolveBackend(world: RefWorld, ref: BackendRef, routeNamespace: string): BackendTarget {
  const problem = checkBackendRef(world, ref, routeNamespace);
  if (problem) return { invalid: problem.problem };
  return { namespace: ref.namespace ?? routeNamespace, name: ref.name, ...(ref.port !== undefined ? { port: ref.port } : {}) };
}

const ORDER: RefProblem[] = ['InvalidKind', 'RefNotPermitted', 'BackendNotFound'];

/** The route-wide ResolvedRefs verdict: the first problem in ORDER, or none. */
export function routeRefProblem(world: RefWorld, backendRefs: BackendRef[], routeNamespace: string): { problem: RefProblem; message: string } | undefined {
  const problems = backendRefs.map((r) => checkBackendRef(world, r, routeNamespace)).filter((p) => p !== undefined);
  problems.sort((a, b) => ORDER.indexOf(a.problem) - ORDER.indexOf(b.problem));
  return problems[0];
}
