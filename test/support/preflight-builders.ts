import type { KubeObject } from '../../src/domain/kube-object.js';
import type { Phase } from '../../src/domain/phase.js';
import { requiredAccess } from '../../src/mesh/access.js';
import type { CheckResult } from '../../src/mesh/checks.js';
import type { AgentPodFacts, ClusterFacts, DaemonSetFacts, DeploymentFacts, MeshFacts, NamespaceFacts, NodeFacts, SingletonWebhookFacts } from '../../src/mesh/cluster-facts.js';
import { servedKey } from '../../src/mesh/cluster-facts.js';
import { preflightChecks, type PreflightInput } from '../../src/mesh/preflight.js';
import { GATEWAY_API_KINDS, ISTIO_CRDS } from '../../src/mesh/preflight/ambient.js';
import { LOCK_LEASE } from '../../src/mesh/preflight/topology.js';
import { config, plan, userRoute } from './scenario.js';

/** Builders for the pure preflight checks: a healthy 1.29.6 mesh, then one thing changed per test. */

export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const HOLDER = 'laptop/pid-1';

export const ns = (name: string, labels: Record<string, string> = {}, terminating = false): NamespaceFacts => ({ name, labels, terminating });

export function node(name: string, labels: Record<string, string> = {}, extra: Partial<NodeFacts> = {}): NodeFacts {
  return { name, labels: { 'kubernetes.io/os': 'linux', ...labels }, taints: [], unschedulable: false, ready: true, ...extra };
}

export function istiod(rev: string, readyReplicas = 1, env: Record<string, string> = { PILOT_ENABLE_AMBIENT: 'true' }): DeploymentFacts {
  return { namespace: 'istio-system', name: `istiod-${rev}`, labels: { app: 'istiod', 'istio.io/rev': rev }, replicas: 1, readyReplicas, env };
}

/** The stable ztunnel as Istio's chart makes it: the revision in an annotation, not a label. */
export function ztunnel(nodeSelector: Record<string, string>, extra: Partial<DaemonSetFacts> = {}): DaemonSetFacts {
  return { namespace: 'istio-system', name: 'ztunnel-1-29-6', labels: { 'app.kubernetes.io/name': 'ztunnel' }, nodeSelector, requiredAffinity: undefined, desired: 2, ready: 2, updated: 2, release: 'ztunnel-1-29-6', revision: '1-29-6', ...extra };
}

/** istio-base's validator as `helm install istio-base istio/base --set defaultRevision=<rev>` leaves it; (`{ ...validator(rev), release: undefined }`: applied without helm). */
export function validator(rev: string, release: SingletonWebhookFacts['release'] = { name: 'istio-base', namespace: 'istio-system' }): SingletonWebhookFacts {
  return { name: 'istiod-default-validator', release, revision: rev, services: [{ namespace: 'istio-system', name: `istiod-${rev}` }] };
}

export const CNI: DaemonSetFacts = { namespace: 'istio-system', name: 'istio-cni-node', labels: { 'k8s-app': 'istio-cni-node' }, nodeSelector: { 'kubernetes.io/os': 'linux' }, requiredAffinity: undefined, desired: 3, ready: 3, updated: 3, release: 'istio-cni', revision: undefined };

export function agent(ds: DaemonSetFacts, nodeName: string, ready = true): AgentPodFacts {
  return { namespace: ds.namespace, name: `${ds.name}-${nodeName}`, node: nodeName, ready, daemonSet: `${ds.namespace}/${ds.name}` };
}

/** A Deployment of the stable namespace as the apiserver lists it; `labels` are its pod template's. */
export function stableDeployment(name: string, labels: Record<string, string> = { app: name }, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'bookinfo-1-29-6', uid: `uid-${name}`, resourceVersion: '7', labels: { app: name } },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name, image: `${name}:1` }] } } },
  };
}

export interface Scenario {
  facts: ClusterFacts;
  mesh: MeshFacts;
  input: Omit<PreflightInput, 'config' | 'facts' | 'mesh' | 'route'>;
}

/** A healthy 1.29.6 mesh with the stable ztunnel pinned: two stable nodes, one free node. */
export function healthy(values: Record<string, unknown> = {}): Scenario {
  const nodes = [node('node-1', { 'istio.io/rev': '1-29-6' }), node('node-2', { 'istio.io/rev': '1-29-6' }), node('node-3')];
  const stable = ztunnel({ 'istio.io/rev': '1-29-6' });
  const c = config(values);
  return {
    facts: {
      serverVersion: 'v1.34.1',
      nodes,
      namespaces: { 'istio-system': ns('istio-system'), 'istio-ingress': ns('istio-ingress'), 'bookinfo-1-29-6': ns('bookinfo-1-29-6') },
      istiods: [istiod('1-29-6')],
      ztunnels: [stable],
      cni: CNI,
      crds: ['httproutes.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io', ...ISTIO_CRDS],
      route: routeProgrammed(),
      gateway: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'istio-ingress' }, spec: { listeners: [{ protocol: 'HTTP', port: 80 }] }, status: { addresses: [{ value: '10.0.0.1' }] } },
      releases: [
        { name: 'istio-base', namespace: 'istio-system', owned: false, status: 'deployed' },
        { name: 'istiod-1-29-6', namespace: 'istio-system', owned: true, status: 'deployed' },
        { name: 'ztunnel-1-29-6', namespace: 'istio-system', owned: true, status: 'deployed' },
      ],
      defaultValidator: validator('1-29-6'),
      defaultTagInjector: { name: 'istio-revision-tag-default', release: { name: 'istiod-1-29-6', namespace: 'istio-system' }, revision: '1-29-6', services: [{ namespace: 'istio-system', name: 'istiod-1-29-6' }] },
    },
    mesh: {
      namespaces: [ns('istio-system'), ns('istio-ingress'), ns('bookinfo-1-29-6', { 'istio.io/dataplane-mode': 'ambient' })],
      cni: CNI,
      cniConfig: { AMBIENT_ENABLED: 'true', CURRENT_AGENT_VERSION: '1.29.6' },
      agentPods: [...nodes.map((n) => agent(CNI, n.name)), agent(stable, 'node-1'), agent(stable, 'node-2')],
      sidecars: [],
      mutatingWebhooks: [],
      stableObjects: [stableDeployment('productpage')],
      served: GATEWAY_API_KINDS.map(servedKey),
      lease: undefined,
    },
    input: {
      access: { context: 'prod', server: 'https://prod.example:6443', answers: requiredAccess(c).map((r) => ({ ...r, allowed: true })) },
      tools: { helm: { ok: true, detail: 'v3.22.0+g1234567' }, charts: [istiodChart(), ztunnelChart()], renders: [render('istiod'), render('ztunnel')] },
      holder: HOLDER,
      now: NOW,
    },
  };
}

/** `helm template` of an install, as preflight runs it (the plan's arguments, `upgrade --install` made `template`). */
export const render = (chart: string, valuesFile?: string, failure?: string) => ({
  chart,
  command: `helm template ${chart}-1-30-3 ${chart} --repo https://blob.istio.io/istio-release/charts --version 1.30.3${valuesFile ? ` --values ${valuesFile}` : ''}`,
  valuesFile,
  probe: failure ? { ok: false as const, message: failure, fix: undefined } : { ok: true as const, detail: 'rendered' },
});
const istiodChart = () => ({ chart: 'istiod', command: 'helm show chart istiod --repo https://blob.istio.io/istio-release/charts --version 1.30.3', probe: { ok: true as const, detail: 'version: 1.30.3' } });
const ztunnelChart = () => ({ chart: 'ztunnel', command: 'helm show chart ztunnel --repo https://blob.istio.io/istio-release/charts --version 1.30.3', probe: { ok: true as const, detail: 'version: 1.30.3' } });

/** The user's route, Accepted with its refs resolved at its generation (as a working Gateway reports it). */
export function routeProgrammed(conditions: { type: string; status: 'True' | 'False'; reason: string }[] = [{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }]) {
  const route = userRoute();
  route.status = { parents: [{ parentRef: { name: 'ingress', namespace: 'istio-ingress' }, controllerName: 'istio.io/gateway-controller', conditions: conditions.map((c) => ({ ...c, observedGeneration: 1 })) }] };
  return route;
}

/** Runs every check on the healthy scenario after `change`, with settings `values`. */
export function run(change: (s: Scenario) => Scenario = (s) => s, values: Record<string, unknown> = {}, resumedAfter?: Phase) {
  const c = config(values);
  const s = change(healthy(values));
  return preflightChecks({ config: c, facts: s.facts, mesh: s.mesh, route: plan(c).route.context, ...s.input, resumedAfter });
}

export function check(results: CheckResult[], id: string): CheckResult {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no check ${id} among ${results.map((r) => r.id).join(', ')}`);
  return found;
}

/** Changes the cluster facts only. */
export const facts = (f: (x: ClusterFacts) => ClusterFacts) => (s: Scenario): Scenario => ({ ...s, facts: f(s.facts) });
/** Changes what preflight alone reads. */
export const mesh = (f: (x: MeshFacts) => MeshFacts) => (s: Scenario): Scenario => ({ ...s, mesh: f(s.mesh) });

export { LOCK_LEASE };
