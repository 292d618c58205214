import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLONED_KINDS } from '../../../src/plan/clone.js';
import { resourceOf } from '../../../src/kube/errors.js';
import { LEASE_NAME } from '../../../src/kube/lease-lock.js';
import { accessKey, requiredAccess, resourceName } from '../../../src/mesh/access.js';
import { LOCK_LEASE } from '../../../src/mesh/preflight/topology.js';
import { config } from '../../support/scenario.js';
import { BASE_CRDS } from '../../../src/mesh/charts.js';
import { rendered, text } from './fixtures/load.js';

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
function rbacName(kind: string, apiVersion?: string): string {
  const [plural, group = ''] = resourceOf(kind, apiVersion).split(/\.(.*)/s) as [string, string?];
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

  it.each(CLONED_KINDS.map((k) => [k.kind, k.apiVersion] as const))('copies %s: list in the stable namespace, create and patch (server-side apply) in the canary one', (kind, apiVersion) => {
    const name = rbacName(kind, apiVersion);
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
    // The ReferenceGrant lives beside the Services it lets the route reach: in the canary namespace.
    expect(keys).toContain('create referencegrants.gateway.networking.k8s.io -n bookinfo-1-30-3');
    expect(keys).toContain('list mutatingwebhookconfigurations.admissionregistration.k8s.io');
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

/**
 * Every object Istio's real charts render with the run's own arguments (fixtures rendered by
 * helm from release-1.31: the istiod chart at promote, with the default tag, and the ztunnel
 * chart), as helm handles them: get, create, patch (upgrade), delete (uninstall). Creating and
 * binding the RBAC roles it renders is judged apart (test/unit/mesh/chart-roles.test.ts).
 */
describe('requiredAccess covers what helm does with the real istiod and ztunnel charts', () => {
  const c = config({ from: '1.30.4-dev', to: '1.31.0-dev' });
  const needed = requiredAccess(c);
  const objects = [...rendered('istiod-1.31-promote.objects.yaml'), ...rendered('ztunnel-1.31.objects.yaml')] as {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    roleRef?: { kind: string; name: string };
  }[];
  const has = (verb: string, name: string, namespace: string | undefined, object?: string): boolean =>
    needed.some((r) => r.verb === verb && resourceName(r) === name && r.namespace === namespace && r.name === object);

  it('reads the rendered charts: every kind helm creates with the run\'s values', () => {
    expect([...new Set(objects.map((o) => o.kind))].sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'DaemonSet',
      'Deployment',
      'HorizontalPodAutoscaler',
      'MutatingWebhookConfiguration',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ValidatingWebhookConfiguration',
    ]);
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))('%s: get, create, patch, delete where helm puts it', (_name, o) => {
    const resource = rbacName(o.kind, o.apiVersion);
    for (const verb of ['get', 'create', 'patch', 'delete']) expect(has(verb, resource, o.metadata.namespace), `${verb} ${resource} ${o.metadata.namespace ?? '(cluster)'}`).toBe(true);
  });

  it('the three ConfigMaps left out of the fixture for size, and the PodDisruptionBudget a values file may turn on', () => {
    for (const name of ['configmaps', 'poddisruptionbudgets.policy']) for (const verb of ['get', 'create', 'patch', 'delete']) expect(has(verb, name, 'istio-system')).toBe(true);
  });

  it('asks for no escalate or bind: those are one way of two to create the chart\'s roles, reviewed from the render (chart-roles.ts)', () => {
    expect(needed.filter((r) => r.verb === 'escalate' || r.verb === 'bind').map(accessKey)).toEqual([]);
    expect(needed.filter((r) => r.name !== undefined && r.group === 'rbac.authorization.k8s.io').map(accessKey)).toEqual([]);
  });
});

/**
 * Promote's `helm upgrade` of istio-base at its own chart version with its own values: helm
 * gets every object of the release and patches each that differs (a 3-way merge per object,
 * helm pkg/kube/client.go), so get and patch on everything the real base chart renders.
 */
describe('requiredAccess covers what helm upgrade --reuse-values does with the real base chart', () => {
  const needed = requiredAccess(config({ from: '1.30.4-dev', to: '1.31.0-dev' }));
  const has = (verb: string, name: string, namespace: string | undefined, object?: string): boolean =>
    needed.some((r) => r.verb === verb && resourceName(r) === name && r.namespace === namespace && (r.name === undefined || r.name === object));
  const crds = text('base-1.30.crds.txt').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const objects = rendered('base-1.30-upgrade.objects.yaml') as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[];

  it('knows the fifteen CRDs the chart renders', () => {
    expect(crds).toHaveLength(15);
    expect([...BASE_CRDS].sort()).toEqual([...crds].sort());
  });

  it.each(crds)('CustomResourceDefinition %s: get, and patch by name only', (crd) => {
    expect(has('get', 'customresourcedefinitions.apiextensions.k8s.io', undefined, crd)).toBe(true);
    expect(needed.some((r) => r.verb === 'patch' && r.resource === 'customresourcedefinitions' && r.name === crd)).toBe(true);
  });

  it('never patch on every CRD of the cluster', () => {
    expect(needed.filter((r) => r.resource === 'customresourcedefinitions' && r.verb === 'patch' && r.name === undefined)).toEqual([]);
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))('%s: get and patch where helm puts it', (_name, o) => {
    const resource = rbacName(o.kind, o.apiVersion);
    for (const verb of ['get', 'patch']) expect(has(verb, resource, o.metadata.namespace, o.metadata.name), `${verb} ${resource}`).toBe(true);
  });

  it('its release records: helm lists them, writes the new one and marks the old one superseded', () => {
    for (const verb of ['get', 'list', 'create', 'update']) expect(has(verb, 'secrets', 'istio-system')).toBe(true);
  });
});
