import type { V1DaemonSet, V1Deployment, V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { daemonSetFacts, deploymentFacts, isZtunnel, keptCrd, nodeFacts, releaseFacts } from '../../../src/kube/facts-map.js';

describe('nodeFacts', () => {
  it('reads labels, taints, cordon and the Ready condition', () => {
    const node: V1Node = {
      metadata: { name: 'n1', labels: { 'istio.io/rev': '1-30-3' } },
      spec: { unschedulable: true, taints: [{ key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(nodeFacts(node)).toEqual({ name: 'n1', labels: { 'istio.io/rev': '1-30-3' }, taints: [{ key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' }], unschedulable: true, ready: true });
    expect(nodeFacts({ metadata: { name: 'n2' } }).ready).toBe(false);
  });
});

describe('deploymentFacts', () => {
  it('takes the env of istiod’s discovery container', () => {
    const d: V1Deployment = {
      metadata: { name: 'istiod-1-29-6', namespace: 'istio-system', labels: { app: 'istiod' } },
      spec: {
        replicas: 2,
        selector: {},
        template: { spec: { containers: [{ name: 'sidecar', env: [{ name: 'X', value: '1' }] }, { name: 'discovery', env: [{ name: 'PILOT_ENABLE_AMBIENT', value: 'true' }, { name: 'FROM_SECRET', valueFrom: {} }] }] } },
      },
      status: { readyReplicas: 1 },
    };
    expect(deploymentFacts(d)).toEqual({ namespace: 'istio-system', name: 'istiod-1-29-6', labels: { app: 'istiod' }, replicas: 2, readyReplicas: 1, env: { PILOT_ENABLE_AMBIENT: 'true' } });
  });
});

describe('daemonSetFacts', () => {
  const ds: V1DaemonSet = {
    metadata: { name: 'ztunnel', namespace: 'istio-system', labels: { 'app.kubernetes.io/name': 'ztunnel' }, annotations: { 'meta.helm.sh/release-name': 'ztunnel' } },
    spec: {
      selector: { matchLabels: { app: 'ztunnel' } },
      template: {
        spec: {
          containers: [],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'NotIn', values: ['1-30-3'] }] }] } } },
        },
      },
    },
    status: { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0 },
  };

  it('reads pinning, counts and the owning Helm release', () => {
    expect(daemonSetFacts(ds)).toEqual({
      namespace: 'istio-system',
      name: 'ztunnel',
      labels: { 'app.kubernetes.io/name': 'ztunnel' },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      requiredAffinity: [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'NotIn', values: ['1-30-3'] }] }],
      desired: 3,
      ready: 2,
      updated: 3,
      release: 'ztunnel',
    });
  });

  it('finds ztunnels by label or by the chart’s fixed pod selector', () => {
    expect(isZtunnel(ds)).toBe(true);
    expect(isZtunnel({ metadata: { labels: { app: 'ztunnel' } } })).toBe(true);
    expect(isZtunnel({ metadata: { name: 'istio-cni-node', labels: { 'k8s-app': 'istio-cni-node' } }, spec: { selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } }, template: {} } })).toBe(false);
  });
});

describe('keptCrd', () => {
  it('keeps Gateway API and Istio CRDs only', () => {
    expect(['httproutes.gateway.networking.k8s.io', 'gateways.networking.istio.io', 'wasmplugins.extensions.istio.io', 'certificates.cert-manager.io'].filter(keptCrd)).toEqual([
      'httproutes.gateway.networking.k8s.io',
      'gateways.networking.istio.io',
      'wasmplugins.extensions.istio.io',
    ]);
  });
});

describe('releaseFacts', () => {
  const secret = (name: string, version: number, status: string, owned = false) => ({
    name: `sh.helm.release.v1.${name}.v${version}`,
    namespace: 'istio-system',
    labels: { owner: 'helm', name, version: String(version), status, ...(owned ? { 'app.kubernetes.io/managed-by': 'ambient-canary' } : {}) },
  });

  it('keeps the newest version of each release, numerically', () => {
    const facts = releaseFacts([secret('istiod', 9, 'superseded'), secret('istiod', 10, 'deployed'), secret('istiod-1-30-3', 1, 'failed', true), secret('istiod-1-30-3', 2, 'deployed', true)]);
    expect(facts).toEqual([
      { name: 'istiod', namespace: 'istio-system', owned: false, status: 'deployed' },
      { name: 'istiod-1-30-3', namespace: 'istio-system', owned: true, status: 'deployed' },
    ]);
  });
});
