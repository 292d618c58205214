import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import { check, mesh, run, stableDeployment } from '../../support/preflight-builders.js';

/** Preflight decides the whole canary copy before anything changes (issue 13): refusals fail, differences warn. */
const object = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion, kind, metadata: { name, namespace: 'bookinfo-1-29-6' }, ...extra });
const withObjects = (objects: KubeObject[]) => mesh((m) => ({ ...m, stableObjects: [stableDeployment('productpage'), ...objects] }));

describe('copy-faithful', () => {
  it('passes, counting what is copied and rewritten, and names Secrets only', () => {
    const secret = object('v1', 'Secret', 'db', { type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } });
    const binding = object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'reader', { subjects: [{ kind: 'ServiceAccount', name: 'productpage', namespace: 'bookinfo-1-29-6' }] });
    const { results } = run(withObjects([secret, binding, object('v1', 'ConfigMap', 'kube-root-ca.crt')]));
    const result = check(results, 'copy-faithful');
    expect(result).toMatchObject({ status: 'pass', group: 'topology' });
    expect(result.message).toBe('3 object(s) of bookinfo-1-29-6 will be copied (1 with references rewritten to bookinfo-1-30-3); 1 left to what makes them: Secret/db, RoleBinding/reader, Deployment/productpage');
    expect(JSON.stringify(results)).not.toContain('hunter2');
    expect(JSON.stringify(results)).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(results.find((r) => r.id === 'copy-differences')).toBeUndefined();
  });

  it('fails naming every object no copy reproduces, and the copy.skip that would accept them', () => {
    const { results } = run(withObjects([object('batch/v1', 'Job', 'migrate'), object('example.com/v1', 'Widget', 'w')]));
    const result = check(results, 'copy-faithful');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('Job/migrate (a copy would run it again, side effects and all)');
    expect(result.message).toContain('Widget/w (example.com/v1 Widget is a kind the copy does not know');
    expect(result.fix).toContain('copy.skip: [Job/migrate, Widget/w] (flag --copy-skip); nothing was changed');
  });

  it('passes once copy.skip accepts them, and warns naming each difference and every stale skip', () => {
    const cm = object('v1', 'ConfigMap', 'urls', { data: { upstream: 'http://reviews.bookinfo-1-29-6.svc.cluster.local:9080' } });
    const { results } = run(withObjects([object('batch/v1', 'Job', 'migrate'), cm]), { 'copy.skip': ['Job/migrate', 'Job/gone'] });
    expect(check(results, 'copy-faithful').status).toBe('pass');
    const warned = check(results, 'copy-differences');
    expect(warned.status).toBe('warn');
    expect(warned.message).toContain('Job/migrate: left out, as copy.skip accepts');
    expect(warned.message).toContain('copy.skip names Job/gone, which is not an object of bookinfo-1-29-6 the copy refuses');
    expect(warned.message).toContain('ConfigMap/urls key upstream names namespace bookinfo-1-29-6 in its text: copied as it is, not rewritten');
  });
});
