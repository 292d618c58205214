// Access phase against the real apiserver (RBAC on): a user who may read but not change, and
// a context whose cluster does not answer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { clusterKubeconfig, kube, suffix } from '../kube/support.js';
import { ownStableMesh, withFlag, type OwnMesh } from './mesh.js';
import { checkOf, createObject, doctor } from './support.js';

const { client } = kube();
const id = suffix();
const reader = `pf-${id}-reader`;
let m: OwnMesh;

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority'?: string } }[];
}

/** A kubeconfig for the same cluster (or another server) as a bearer token. */
function kubeconfigFor(token: string, server?: string): string {
  const admin = parse(readFileSync(clusterKubeconfig(), 'utf8')) as Kubeconfig;
  const cluster = admin.clusters[0] as Kubeconfig['clusters'][number];
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { ...cluster.cluster, server: server ?? cluster.cluster.server } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'restricted', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'restricted',
  };
  const path = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config');
  writeFileSync(path, stringify(config));
  return path;
}

beforeAll(async () => {
  m = await ownStableMesh(client);
  // A ServiceAccount that may read everything and change nothing.
  await client.core.createNamespacedServiceAccount({ namespace: m.istioNs, body: { metadata: { name: 'reader' } } });
  await createObject(client, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: reader }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] }] });
  await createObject(client, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: reader },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: m.istioNs }],
  });
});

afterAll(async () => {
  await client.objects.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: reader } }).catch(() => undefined);
  await client.objects.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: reader } }).catch(() => undefined);
  await m?.cleanup();
});

describe('the access phase', () => {
  it('lists every permission a read-only user lacks (SelfSubjectAccessReview), with the command that confirms one', async () => {
    const token = await client.core.createNamespacedServiceAccountToken({ name: 'reader', namespace: m.istioNs, body: { spec: { audiences: [], expirationSeconds: 600 } } });
    const { code, report } = await doctor(withFlag(m.flags, '--kubeconfig', kubeconfigFor(token.status?.token ?? '')));
    expect(code).toBe(2);
    expect(checkOf(report, 'cluster-reachable').status).toBe('pass');
    const access = checkOf(report, 'access');
    expect(access.status).toBe('fail');
    expect(access.message).toMatch(/cluster-wide: patch nodes, create pods\/eviction, create,patch,delete namespaces, [^;]*create,patch,delete clusterroles\.rbac\.authorization\.k8s\.io/);
    expect(access.message).toMatch(new RegExp(`in ${m.istioNs}: [^;]*create,update,patch,delete configmaps`));
    expect(access.message).not.toMatch(/\b(get|list) /);
    expect(access.fix).toMatch(/kubectl auth can-i \w+ \S+ .*--context restricted/);
    // Reads were allowed, so every other phase still reports.
    expect(checkOf(report, 'from-installed').status).toBe('pass');
  });

  it('reports an unreachable cluster as the one failure, saying which context and server', async () => {
    const { code, report } = await doctor(withFlag(m.flags, '--kubeconfig', kubeconfigFor('x', 'https://127.0.0.1:1')));
    expect(code).toBe(2);
    expect(report.checks).toEqual([{ id: 'cluster-reachable', group: 'access', status: 'fail', message: expect.stringMatching(/cannot reach the cluster of context "restricted" at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/), fix: 'check that the cluster is running and that --context/--kubeconfig name the right one' }]);
    expect(report.ok).toBe(false);
  });
});
