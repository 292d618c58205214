import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import { cloneObject, type CloneOptions } from '../../../src/plan/clone.js';

const options: CloneOptions = {
  placement: {
    nodeSelector: { 'istio.io/rev': '1-30-3' },
    toleration: { key: 'istio.io/rev', operator: 'Equal', value: '1-30-3', effect: 'NoSchedule' },
  },
  labels: { 'app.kubernetes.io/managed-by': 'ambient-canary', 'ambient-canary.dev/run': '1-29-6-to-1-30-3' },
  namespaces: { stable: 'shop', canary: 'shop-1-30-3', toRevision: '1-30-3' },
  skip: [],
};

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '812',
      generation: 4,
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl' }],
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': '4', 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'payments' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web', 'istio.io/rev': '1-29-6' } },
        spec: {
          nodeName: 'stable-1',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'dedicated', operator: 'Exists' }],
          containers: [{ name: 'web', image: 'nginx:1.27' }],
        },
      },
    },
    status: { replicas: 2, availableReplicas: 2 },
  };
}

describe('cloneObject: Deployment', () => {
  const copy = cloneObject(deployment(), 'shop-1-30-3', options);
  const spec = copy['spec'] as { template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } };

  it('strips what the server owns and keeps what the user wrote', () => {
    expect(copy.metadata).toEqual({
      name: 'web',
      namespace: 'shop-1-30-3',
      labels: { app: 'web', ...options.labels },
      annotations: { team: 'payments' },
    });
    expect(copy['status']).toBeUndefined();
    expect(spec.template.metadata).toEqual({ labels: { app: 'web' } });
  });

  it('pins pods to canary nodes: merged nodeSelector, the canary toleration, no nodeName', () => {
    expect(spec.template.spec['nodeName']).toBeUndefined();
    expect(spec.template.spec['nodeSelector']).toEqual({ 'kubernetes.io/os': 'linux', 'istio.io/rev': '1-30-3' });
    expect(spec.template.spec['tolerations']).toEqual([{ key: 'dedicated', operator: 'Exists' }, options.placement.toleration]);
  });

  it('is idempotent: cloning a clone adds nothing twice', () => {
    expect(cloneObject(copy, 'shop-1-30-3', options)).toEqual(copy);
  });

  it('leaves the source untouched', () => {
    const source = deployment();
    cloneObject(source, 'x', options);
    expect(source).toEqual(deployment());
  });

  it('adds no istio.io/rev to a pod template that had none', () => {
    const source = deployment();
    const template = (source['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template;
    delete template.metadata.labels['istio.io/rev'];
    const pinned = cloneObject(source, 'x', options) as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } & KubeObject;
    expect(pinned.spec?.template?.metadata?.labels).toEqual({ app: 'web' });
  });
});

describe('cloneObject: no istio.io/rev anywhere in the copy (it would select a sidecar injector)', () => {
  function labelled(): KubeObject {
    const source = deployment();
    source.metadata.labels = { app: 'web', 'istio.io/rev': '1-29-6' };
    source['spec'] = {
      ...(source['spec'] as Record<string, unknown>),
      selector: {
        matchLabels: { app: 'web', 'istio.io/rev': '1-29-6' },
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'In', values: ['1-29-6'] },
          { key: 'tier', operator: 'Exists' },
        ],
      },
    };
    return source;
  }
  const copy = cloneObject(labelled(), 'shop-1-30-3', options);
  const spec = copy['spec'] as { selector: Record<string, unknown>; template: { metadata: { labels: Record<string, string> } } };

  it('drops it from the pod template, the Deployment selector (matchLabels and matchExpressions) and the object labels', () => {
    expect(spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(spec.selector).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] });
    expect(copy.metadata.labels).toEqual({ app: 'web', ...options.labels });
  });

  it('leaves every other selector and label as the user wrote it', () => {
    const plain = cloneObject(deployment(), 'x', options)['spec'] as { selector: unknown };
    expect(plain.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('is still idempotent', () => {
    expect(cloneObject(copy, 'shop-1-30-3', options)).toEqual(copy);
  });

  it('a Service selecting on it selects the canary pods, which no longer carry it', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'istio.io/rev': '1-29-6' } }, spec: { selector: { app: 'web', 'istio.io/rev': '1-29-6' }, ports: [{ port: 80 }] } };
    const copied = cloneObject(svc, 'x', options);
    expect(copied['spec']).toEqual({ selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(copied.metadata.labels).toEqual(options.labels);
  });
});

describe('cloneObject: Service', () => {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', resourceVersion: '9', uid: 'u' },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.12',
      clusterIPs: ['10.96.0.12'],
      healthCheckNodePort: 31000,
      ipFamilies: ['IPv4'],
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
    },
    status: { loadBalancer: {} },
  };

  it('drops allocated addresses and ports so the copy gets its own', () => {
    const copy = cloneObject(service, 'shop-1-30-3', options);
    expect(copy['spec']).toEqual({
      type: 'NodePort',
      ipFamilies: ['IPv4'],
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(copy['status']).toBeUndefined();
    expect(copy.metadata.namespace).toBe('shop-1-30-3');
  });

  it('keeps a headless Service headless (clusterIP None is not an allocated address)', () => {
    const headless: KubeObject = { ...service, spec: { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'web' }, ports: [{ port: 80 }] } };
    const copy = cloneObject(headless, 'shop-1-30-3', options);
    expect(copy['spec']).toEqual({ clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] });
  });
});
