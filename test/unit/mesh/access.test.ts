import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLONED_KINDS } from '../../../src/kube/clone.js';
import { resourceOf } from '../../../src/kube/errors.js';
import { LEASE_NAME } from '../../../src/kube/lease-lock.js';
import { accessKey, requiredAccess, resourceName } from '../../../src/mesh/access.js';
import { LOCK_LEASE } from '../../../src/mesh/preflight/topology.js';
import { config } from '../../support/scenario.js';

const KUBE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/kube');

/**
 * Calls the run does not depend on: the version and access reviews any authenticated user may
 * make, and Events on the route, which are best effort by contract (EventRecorder never throws).
 */
const NOT_RBAC = new Set(['Version', 'SelfSubjectAccessReview', 'Event']);

/** Every `site('verb', 'Kind'` the Kubernetes port makes, file by file: what the run will ask the apiserver to do. */
function portCalls(): { file: string; verb: string; kind: string }[] {
  return readdirSync(KUBE)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((file) => [...readFileSync(join(KUBE, file), 'utf8').matchAll(/site\('(get|list|create|update|patch|delete)', '([A-Za-z]+)'/g)].map((m) => ({ file, verb: m[1] as string, kind: m[2] as string })));
}

/** `pods/eviction` and `deployments.apps` as RBAC names them, from the port's own resource table. */
function rbacName(kind: string): string {
  const [plural, group = ''] = resourceOf(kind).split(/\.(.*)/s) as [string, string?];
  return plural.includes('/') ? plural : `${plural}${group ? `.${group}` : ''}`;
}

describe('requiredAccess: the permissions a run asks about are the ones its ports use', () => {
  const needed = requiredAccess(config({}));
  const has = (verb: string, name: string): boolean => needed.some((r) => r.verb === verb && resourceName(r) === name);

  it('finds the port calls (the parser still matches the code)', () => {
    expect(portCalls().length).toBeGreaterThan(25);
  });

  it.each(portCalls().filter((c) => !NOT_RBAC.has(c.kind)).map((c) => [c.file, c.verb, c.kind] as const))('%s: %s %s', (_file, verb, kind) => {
    expect(has(verb, rbacName(kind)), `${verb} ${rbacName(kind)} is missing from requiredAccess`).toBe(true);
  });

  it.each(CLONED_KINDS.map((k) => [k.kind] as const))('copies %s: list in the stable namespace, create and patch (server-side apply) in the canary one', (kind) => {
    const name = rbacName(kind);
    const where = (verb: string, ns: string) => needed.some((r) => r.verb === verb && resourceName(r) === name && r.namespace === ns);
    expect(where('list', 'bookinfo-1-29-6')).toBe(true);
    expect(where('create', 'bookinfo-1-30-3') && where('patch', 'bookinfo-1-30-3')).toBe(true);
  });

  it('covers what helm does with the charts: its release Secrets and the ClusterRoles and webhooks of istiod', () => {
    for (const verb of ['get', 'list', 'create', 'update', 'delete']) expect(has(verb, 'secrets')).toBe(true);
    for (const name of ['clusterroles.rbac.authorization.k8s.io', 'mutatingwebhookconfigurations.admissionregistration.k8s.io', 'daemonsets.apps', 'poddisruptionbudgets.policy']) {
      for (const verb of ['get', 'create', 'patch', 'delete']) expect(has(verb, name), `${verb} ${name}`).toBe(true);
    }
  });

  it('asks each thing once, in the namespace the run uses it', () => {
    const keys = needed.map(accessKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('create pods/eviction');
    expect(keys).toContain('patch httproutes.gateway.networking.k8s.io -n istio-ingress');
    expect(keys).toContain('update leases.coordination.k8s.io -n istio-system');
    expect(keys).toContain('create referencegrants.gateway.networking.k8s.io -n bookinfo-1-29-6');
  });

  it('follows the settings: another state namespace moves the run record and lock permissions', () => {
    const keys = requiredAccess(config({ 'state.namespace': 'canary-state' })).map(accessKey);
    expect(keys).toContain('create configmaps -n canary-state');
    expect(keys).toContain('get leases.coordination.k8s.io -n canary-state');
  });

  it('reads the lock the lease lock writes', () => {
    expect(LOCK_LEASE).toBe(LEASE_NAME);
  });
});
