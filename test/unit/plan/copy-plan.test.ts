import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import type { CloneOptions } from '../../../src/plan/clone.js';
import { copyReport, planCopy } from '../../../src/plan/copy-plan.js';

const options: CloneOptions = {
  placement: { nodeSelector: { 'istio.io/rev': '1-31' }, toleration: { key: 'istio.io/rev', operator: 'Equal', value: '1-31', effect: 'NoSchedule' } },
  labels: { 'app.kubernetes.io/managed-by': 'ambient-canary' },
  namespaces: { stable: 'shop', canary: 'shop-1-31', toRevision: '1-31' },
  skip: ['Job/migrate'],
};
const obj = (apiVersion: string, kind: string, name: string, body: Record<string, unknown> = {}): KubeObject => ({ apiVersion, kind, metadata: { name, namespace: 'shop' }, ...body });

describe('the whole copy of a namespace', () => {
  const sources = [
    obj('apps/v1', 'Deployment', 'web', { spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } }),
    obj('v1', 'Service', 'web', { spec: { selector: { app: 'web' } } }),
    obj('security.istio.io/v1', 'AuthorizationPolicy', 'web', { spec: { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] } }),
    obj('v1', 'Secret', 'db', { type: 'Opaque', data: { password: 'aHVudGVyMg==' } }),
    obj('v1', 'ConfigMap', 'urls', { data: { api: 'http://api.shop.svc:80' } }),
    obj('batch/v1', 'Job', 'migrate'),
    obj('v1', 'ServiceAccount', 'web'),
  ];
  const plan = planCopy(sources, options);

  it('writes the copies in apply order, into the canary namespace, with our labels', () => {
    expect(plan.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/web', 'Secret/db', 'ConfigMap/urls', 'AuthorizationPolicy/web', 'Service/web', 'Deployment/web']);
    for (const o of plan.objects) {
      expect(o.metadata.namespace).toBe('shop-1-31');
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'ambient-canary' });
    }
  });

  it('names every rewrite by object and field, every acceptance and every mention, and never a Secret value', () => {
    const report = copyReport(plan);
    expect(report.rewrites).toEqual(['AuthorizationPolicy/web: spec.rules[0].from[0].source.namespaces: shop → shop-1-31']);
    expect(report.accepted).toEqual(['Job/migrate: left out, as copy.skip accepts: a copy would run it again, side effects and all']);
    expect(report.mentions).toEqual(['ConfigMap/urls key api']);
    expect(JSON.stringify(report)).not.toContain('aHVudGVyMg');
  });

  it('leaves the stable objects it read untouched', () => {
    expect(sources[2]).toEqual(obj('security.istio.io/v1', 'AuthorizationPolicy', 'web', { spec: { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] } }));
  });
});
