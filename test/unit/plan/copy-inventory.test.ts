import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import { COPY_KINDS, copyKindOf, WRITTEN_KINDS } from '../../../src/plan/copy-kinds.js';
import { inventory, isWritten, type Entry } from '../../../src/plan/copy-inventory.js';

const obj = (apiVersion: string, kind: string, name: string, extra: Partial<KubeObject> = {}, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion, kind, metadata: { name, namespace: 'shop', ...meta }, ...extra });
const entry = (entries: readonly Entry[], ref: string): Entry | undefined => entries.find((e) => e.ref === ref);
const decide = (objects: readonly KubeObject[], skip: readonly string[] = []) => inventory(objects, { skip });

describe('the copy table', () => {
  it('has one row per kind and group, each with a reason', () => {
    const keys = COPY_KINDS.map((k) => `${k.group}/${k.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of COPY_KINDS) expect(k.why.length).toBeGreaterThan(10);
  });

  it('writes what pods run as, mount and are protected by before the pods themselves', () => {
    const at = (kind: string) => WRITTEN_KINDS.findIndex((k) => k.kind === kind);
    for (const first of ['ServiceAccount', 'Secret', 'ConfigMap', 'Role', 'RoleBinding', 'NetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy', 'Gateway']) {
      for (const pods of ['Deployment', 'StatefulSet']) expect(at(first), `${first} before ${pods}`).toBeLessThan(at(pods));
    }
    expect(at('HorizontalPodAutoscaler')).toBeGreaterThan(at('Deployment'));
  });

  it('finds a kind by its group, not only its name', () => {
    expect(copyKindOf('v1', 'Event')?.action).toBe('leave');
    expect(copyKindOf('events.k8s.io/v1', 'Event')?.action).toBe('leave');
    expect(copyKindOf('security.istio.io/v1beta1', 'AuthorizationPolicy')?.action).toBe('rewrite');
    expect(copyKindOf('example.com/v1', 'Deployment')).toBeUndefined();
  });
});

describe('what the copy does with each object of the stable namespace', () => {
  it('copies the application and its protection, and leaves what Kubernetes, istiod and controllers make', () => {
    const deploy = obj('apps/v1', 'Deployment', 'web', {}, { uid: 'd1' });
    const rs = obj('apps/v1', 'ReplicaSet', 'web-5d4', {}, { uid: 'r1', ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd1' }] });
    const pod = obj('v1', 'Pod', 'web-5d4-x', {}, { ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d4', uid: 'r1' }] });
    const { entries } = decide([
      deploy,
      rs,
      pod,
      obj('v1', 'Secret', 'db', { type: 'Opaque' }),
      obj('v1', 'Secret', 'sh.helm.release.v1.web.v1', { type: 'helm.sh/release.v1' }),
      obj('v1', 'Secret', 'web-token', { type: 'kubernetes.io/service-account-token' }),
      obj('v1', 'ConfigMap', 'kube-root-ca.crt'),
      obj('v1', 'ConfigMap', 'istio-ca-root-cert'),
      obj('v1', 'ServiceAccount', 'default'),
      obj('security.istio.io/v1', 'AuthorizationPolicy', 'allow-gw'),
      obj('gateway.networking.k8s.io/v1', 'Gateway', 'waypoint', { spec: { gatewayClassName: 'istio-waypoint' } }),
    ]);
    expect(entry(entries, 'Deployment/web')?.disposition).toBe('copy');
    expect(entry(entries, 'ReplicaSet/web-5d4')?.disposition).toBe('leave');
    expect(entry(entries, 'Pod/web-5d4-x')?.why).toContain('made by ReplicaSet/web-5d4');
    expect(entry(entries, 'Secret/db')?.disposition).toBe('copy');
    expect(entry(entries, 'Secret/sh.helm.release.v1.web.v1')?.disposition).toBe('leave');
    expect(entry(entries, 'Secret/web-token')?.why).toContain('stable’s credential');
    for (const made of ['ConfigMap/kube-root-ca.crt', 'ConfigMap/istio-ca-root-cert', 'ServiceAccount/default']) expect(entry(entries, made)?.disposition).toBe('leave');
    expect(entry(entries, 'AuthorizationPolicy/allow-gw')?.disposition).toBe('rewrite');
    expect(entry(entries, 'Gateway/waypoint')?.disposition).toBe('rewrite');
    expect(entries.filter((e) => e.disposition === 'refused')).toEqual([]);
  });

  it('refuses, naming each and why, what no copy reproduces', () => {
    const { entries } = decide([
      obj('batch/v1', 'CronJob', 'nightly'),
      obj('batch/v1', 'Job', 'migrate'),
      obj('v1', 'Pod', 'debug'),
      obj('networking.k8s.io/v1', 'Ingress', 'web'),
      obj('apps/v1', 'DaemonSet', 'agent'),
      obj('cert-manager.io/v1', 'Certificate', 'web-tls'),
      obj('gateway.networking.k8s.io/v1', 'Gateway', 'public', { spec: { gatewayClassName: 'istio' } }),
      obj('v1', 'ConfigMap', 'from-operator', {}, { ownerReferences: [{ kind: 'Shop', name: 'main', uid: 'elsewhere' }] }),
      obj('apps/v1', 'StatefulSet', 'db', { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } }),
      obj('v1', 'PersistentVolumeClaim', 'uploads'),
    ]);
    const refused = Object.fromEntries(entries.filter((e) => e.disposition === 'refused').map((e) => [e.ref, e.why]));
    expect(Object.keys(refused).sort()).toEqual(
      ['Certificate/web-tls', 'ConfigMap/from-operator', 'CronJob/nightly', 'DaemonSet/agent', 'Gateway/public', 'Ingress/web', 'Job/migrate', 'PersistentVolumeClaim/uploads', 'Pod/debug', 'StatefulSet/db'].sort(),
    );
    expect(refused['Certificate/web-tls']).toContain('cert-manager.io/v1 Certificate is a kind the copy does not know');
    expect(refused['ConfigMap/from-operator']).toContain('owned by Shop/main, outside the namespace');
    expect(refused['StatefulSet/db']).toContain('(data) would get new, empty volumes');
    expect(refused['CronJob/nightly']).toContain('every schedule twice');
  });

  it("leaves a StatefulSet's own claims to the copy's StatefulSet, and copies one without claims", () => {
    const { entries } = decide([obj('apps/v1', 'StatefulSet', 'cache', { spec: {} }), obj('apps/v1', 'StatefulSet', 'db', { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } }), obj('v1', 'PersistentVolumeClaim', 'data-db-0'), obj('v1', 'PersistentVolumeClaim', 'data-db-12')], ['StatefulSet/db']);
    expect(entry(entries, 'StatefulSet/cache')?.disposition).toBe('copy');
    expect(entry(entries, 'PersistentVolumeClaim/data-db-0')?.disposition).toBe('leave');
    expect(entry(entries, 'PersistentVolumeClaim/data-db-12')?.disposition).toBe('leave');
    const db = entry(entries, 'StatefulSet/db') as Entry;
    expect(db).toMatchObject({ disposition: 'accepted' });
    expect(db.why).toMatch(/^copied without its data, as copy.skip accepts/);
    expect(isWritten(db)).toBe(true);
  });

  it('leaves out what copy.skip accepts, and says which skips accepted nothing', () => {
    const inv = decide([obj('batch/v1', 'Job', 'migrate'), obj('security.istio.io/v1', 'AuthorizationPolicy', 'deny-admin')], ['Job/migrate', 'AuthorizationPolicy/deny-admin', 'Job/gone']);
    const job = entry(inv.entries, 'Job/migrate') as Entry;
    expect(job.disposition).toBe('accepted');
    expect(job.why).toMatch(/^left out, as copy.skip accepts: a copy would run it again/);
    expect(isWritten(job)).toBe(false);
    // A policy is copied whatever copy.skip says: the canary is never less protected than the stable.
    expect(entry(inv.entries, 'AuthorizationPolicy/deny-admin')?.disposition).toBe('rewrite');
    expect(inv.unusedSkips).toEqual(['AuthorizationPolicy/deny-admin', 'Job/gone']);
  });
});
