import type { RunConfig } from '../config/types.js';
import type { KubeObject } from '../domain/kube-object.js';
import { DATAPLANE_MODE, OWNED, RUN_LABEL } from '../mesh/labels.js';
import type { CloneOptions } from './clone.js';
import { GATEWAY_API_GROUP } from '../gateway-api/types.js';

/** Where canary pods must run: on canary nodes (their ztunnel), tolerating the canary taint. */
export interface PodPlacement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly toleration: { readonly key: string; readonly operator: 'Equal'; readonly value: string; readonly effect: 'NoSchedule' };
}

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule';
}

export function runId(config: RunConfig): string {
  return `${config.from.name}-to-${config.to.name}`;
}

export function ownedLabels(config: RunConfig): Record<string, string> {
  return { ...OWNED, [RUN_LABEL]: runId(config) };
}

/** The taint that keeps stable pods off canary nodes; its key is the node label's. */
export function canaryTaint(config: RunConfig): NodeTaint {
  return { key: config.nodes.label, value: config.to.name, effect: 'NoSchedule' };
}

export function canaryPlacement(config: RunConfig): PodPlacement {
  const taint = canaryTaint(config);
  return {
    nodeSelector: { [config.nodes.label]: config.to.name },
    toleration: { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect },
  };
}

/** How the stable workloads are copied: the workloads phase and preflight's injection check use the same. */
export function cloneOptions(config: RunConfig): CloneOptions {
  return {
    placement: canaryPlacement(config),
    labels: ownedLabels(config),
    namespaces: { stable: config.app.stableNamespace, canary: config.app.canaryNamespace, toRevision: config.to.name },
    skip: config.copy.skip,
  };
}

/**
 * Enrolled in ambient, and without `istio.io/rev`: on a namespace that label selects the
 * revision's sidecar injector (istiod chart, templates/mutatingwebhook.yaml, `rev.namespace`),
 * and a pod with a sidecar is left out of ambient. The canary ztunnel is the node's, so the
 * revision has nothing to select here (ISTIO-FACTS "istio.io/rev and sidecar injection").
 */
export function canaryNamespace(config: RunConfig): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: config.app.canaryNamespace,
      labels: { ...ownedLabels(config), [DATAPLANE_MODE]: 'ambient' },
    },
  };
}

/** Lets the route, in its own namespace, send traffic to Services in the canary namespace. */
export function referenceGrant(config: RunConfig): KubeObject {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name: `${config.app.name}-from-${config.route.namespace}`, namespace: config.app.canaryNamespace, labels: ownedLabels(config) },
    spec: {
      from: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: config.route.namespace }],
      to: [{ group: '', kind: 'Service' }],
    },
  };
}
