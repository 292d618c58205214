// Which data plane serves a pod: istio-cni's ambient enrolment (the real cni chart's default
// enablement selectors, as its ConfigMap renders them), sidecars first, hostNetwork never.
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { capture, cniAgents, sidecarRevision, type CniAgent } from '../../cluster/sim/mesh/capture.js';

/** AMBIENT_ENABLEMENT_SELECTOR as the release-1.31 cni chart renders its default (values.yaml ambient.enablementSelectors). */
const CHART_DEFAULT = `- podSelector:
    matchLabels:
      istio.io/dataplane-mode: ambient
- namespaceSelector:
    matchLabels:
      istio.io/dataplane-mode: ambient
  podSelector:
    matchExpressions:
    - key: istio.io/dataplane-mode
      operator: NotIn
      values:
      - none
`;

const config = (namespace: string, data: Record<string, string>): V1ConfigMap => ({ metadata: { name: 'istio-cni-config', namespace }, data });
const agent = (over: Partial<Record<string, string>> = {}): CniAgent =>
  cniAgents([cniPod('istio-system', 'n1')], [config('istio-system', { AMBIENT_ENABLED: 'true', AMBIENT_ENABLEMENT_SELECTOR: CHART_DEFAULT, ...over })]).get('n1')!;

function cniPod(namespace: string, node: string, terminating = false): V1Pod {
  return {
    metadata: { name: `istio-cni-node-${node}`, namespace, labels: { 'k8s-app': 'istio-cni-node' }, ...(terminating ? { deletionTimestamp: new Date() } : {}) },
    spec: { nodeName: node, containers: [] },
  };
}

function pod(labels: Record<string, string> = {}, annotations: Record<string, string> = {}, hostNetwork = false): V1Pod {
  return { metadata: { name: 'p', namespace: 'shop', labels, annotations }, spec: { hostNetwork, containers: [] } };
}

const AMBIENT_NS = { 'istio.io/dataplane-mode': 'ambient' };
const STATUS = JSON.stringify({ initContainers: ['istio-validation'], containers: ['istio-proxy'], volumes: [], imagePullSecrets: null, revision: '1-31-0-dev' });

describe('ambient capture by istio-cni', () => {
  it('enrols a pod of an ambient namespace, or a pod labelled ambient anywhere', () => {
    expect(capture(pod(), AMBIENT_NS, agent())).toEqual({ mode: 'ambient' });
    expect(capture(pod(AMBIENT_NS), {}, agent())).toEqual({ mode: 'ambient' });
  });

  it('leaves out a pod labelled none, a pod of a namespace not in ambient, and hostNetwork pods', () => {
    expect(capture(pod({ 'istio.io/dataplane-mode': 'none' }), AMBIENT_NS, agent())).toEqual({ mode: 'none' });
    expect(capture(pod(), {}, agent())).toEqual({ mode: 'none' });
    expect(capture(pod(AMBIENT_NS, {}, true), AMBIENT_NS, agent())).toEqual({ mode: 'none' });
  });

  it('serves a pod with a sidecar by its sidecar even in an ambient namespace (sidecar mode wins)', () => {
    expect(capture(pod(AMBIENT_NS, { 'sidecar.istio.io/status': STATUS }), AMBIENT_NS, agent())).toEqual({ mode: 'sidecar', revision: '1-31-0-dev' });
    expect(capture(pod({}, { 'sidecar.istio.io/status': STATUS }), {}, undefined)).toEqual({ mode: 'sidecar', revision: '1-31-0-dev' });
  });

  it('captures nothing on a node without an istio-cni agent, or with ambient disabled', () => {
    expect(capture(pod(), AMBIENT_NS, undefined)).toEqual({ mode: 'none' });
    expect(capture(pod(), AMBIENT_NS, agent({ AMBIENT_ENABLED: 'false' }))).toEqual({ mode: 'none' });
  });

  it('follows selectors the user configured instead of the chart default', () => {
    const custom = agent({ AMBIENT_ENABLEMENT_SELECTOR: '- podSelector:\n    matchLabels: {mesh: "yes"}\n' });
    expect(capture(pod({ mesh: 'yes' }), {}, custom)).toEqual({ mode: 'ambient' });
    expect(capture(pod(), AMBIENT_NS, custom)).toEqual({ mode: 'none' });
  });

  it('enrols nobody when the selector does not parse', () => {
    expect(capture(pod(), AMBIENT_NS, agent({ AMBIENT_ENABLEMENT_SELECTOR: '- podSelector: [' }))).toEqual({ mode: 'none' });
  });
});

describe('the istio-cni agent of each node', () => {
  it('takes the settings of the ConfigMap beside the agent pod, preferring istio-system when two run', () => {
    const agents = cniAgents(
      [cniPod('test-cni', 'n1'), cniPod('istio-system', 'n1'), cniPod('test-cni', 'n2'), cniPod('istio-system', 'n3', true)],
      [config('istio-system', { AMBIENT_ENABLED: 'true' }), config('test-cni', { AMBIENT_ENABLED: 'false' })],
    );
    expect(agents.get('n1')).toMatchObject({ namespace: 'istio-system', ambient: true });
    expect(agents.get('n2')).toMatchObject({ namespace: 'test-cni', ambient: false });
    expect(agents.has('n3')).toBe(false);
  });
});

describe('sidecar revision', () => {
  it('reads the revision from istiod status annotation, default when it names none', () => {
    expect(sidecarRevision(pod({}, { 'sidecar.istio.io/status': STATUS }))).toBe('1-31-0-dev');
    expect(sidecarRevision(pod({}, { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' }))).toBe('default');
    expect(sidecarRevision(pod())).toBeUndefined();
  });
});
