import { ConflictError, NotFoundError } from '../../src/domain/conflict.js';
import { LockedError, OwnershipError } from '../../src/domain/errors.js';
import type { HelmInvocation } from '../../src/domain/helm-invocation.js';
import type { KubeObject } from '../../src/domain/kube-object.js';
import type { RunRecord } from '../../src/domain/run-record.js';
import type { HTTPRoute, RouteRule } from '../../src/gateway-api/types.js';
import type { ClusterFacts, DaemonSetFacts, InspectQuery, MeshFacts, MeshQuery, SingletonWebhookFacts, Taint } from '../../src/mesh/cluster-facts.js';
import { DEFAULT_TAG_INJECTOR, DEFAULT_VALIDATOR } from '../../src/mesh/charts.js';
import { servedKey } from '../../src/mesh/cluster-facts.js';
import { isOwned, REV } from '../../src/mesh/labels.js';
import { daemonSetSelects } from '../../src/mesh/scheduling.js';
import { ISTIO_CRDS } from '../../src/mesh/preflight/ambient.js';
import { helmAnswer, type FakeBase, type FakeRelease } from './fake-helm.js';

export type { FakeBase, FakeRelease } from './fake-helm.js';

/**
 * A small in-memory cluster for orchestrator unit tests: nodes, namespaces, Helm
 * releases, one HTTPRoute with generations and status, run records with versions, a
 * lease. Every mutation is appended to `journal`, so tests assert order and effects.
 * It models only what the orchestrator's decisions depend on; the real apiserver is
 * exercised by the integration and e2e tiers.
 */
export interface FakeNode {
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  pods: number;
}

export class FakeCluster {
  readonly journal: string[] = [];
  readonly nodes = new Map<string, FakeNode>();
  readonly namespaces = new Map<string, Record<string, string>>();
  readonly releases = new Map<string, FakeRelease>();
  /** Objects applied or cloned into a namespace, by namespace. */
  readonly objects = new Map<string, string[]>();
  readonly records = new Map<string, { record: RunRecord; version: number }>();
  route: HTTPRoute;
  gateway: KubeObject;
  lease: { holder: string; since: string } | undefined;
  base: FakeBase | undefined;
  /** What istio-base's defaultRevision is after a rollback (the fake keeps no history). */
  rolledBackTo: string | undefined;
  /**
   * Every stretch of mutations during which no release rendered the default tag's webhook, once
   * one had: each starts with the mutation that removed it. A pod created then in a namespace
   * using the default tag is admitted without a sidecar.
   */
  readonly tagGaps: string[][] = [];
  /** A gap in tagGaps is still open: no release renders the tag's webhook now. */
  tagGapOpen = false;
  /** Called before every mutation; a test throws from it to simulate a crash there. */
  beforeMutation: (op: string) => void = () => undefined;
  private version = 1;

  constructor(init: { nodes: Record<string, Record<string, string>>; route: HTTPRoute; gateway: KubeObject; namespaces: Record<string, Record<string, string>>; releases: Record<string, boolean> }) {
    for (const [name, labels] of Object.entries(init.nodes)) this.nodes.set(name, { labels: { ...labels }, taints: [], unschedulable: false, pods: 2 });
    for (const [name, labels] of Object.entries(init.namespaces)) this.namespaces.set(name, { ...labels });
    for (const [name, owned] of Object.entries(init.releases)) this.releases.set(name, { owned, args: [] });
    this.route = structuredClone(init.route);
    // The user's route works before the run: its Gateway has accepted it and resolved its refs.
    this.route.status ??= programmedStatus(this.route, this.route.metadata.generation ?? 1);
    this.gateway = structuredClone(init.gateway);
  }

  /** `createsTag`: the mutation renders the default tag's webhook again, ending a gap (not part of it). */
  mutate(op: string, createsTag = false): void {
    this.beforeMutation(op);
    this.journal.push(op);
    if (createsTag) this.tagGapOpen = false;
    else if (this.tagGapOpen) this.tagGaps.at(-1)?.push(op);
  }

  /** The release that renders the default tag's webhook, if any (helm lets only one own it). */
  defaultTagHolder(): string | undefined {
    return [...this.releases.entries()].find(([, r]) => r.tags)?.[0];
  }

  node(name: string): FakeNode {
    const node = this.nodes.get(name);
    if (!node) throw new NotFoundError(`node ${name} not found`);
    return node;
  }

  /** The ztunnel DaemonSets the installed releases would render, with their placement. */
  ztunnels(istioNamespace: string): DaemonSetFacts[] {
    return [...this.releases.entries()]
      .filter(([name]) => name.startsWith('ztunnel-'))
      .map(([name, rel]) => {
        const rev = name.slice('ztunnel-'.length);
        const selector = rel.args.find((a) => a.startsWith('nodeSelector.'));
        const nodeSelector = selector ? { [selector.slice('nodeSelector.'.length, selector.indexOf('=')).replaceAll('\\.', '.')]: selector.slice(selector.indexOf('=') + 1) } : {};
        const placed = [...this.nodes.values()].filter((n) => daemonSetSelects({ nodeSelector, requiredAffinity: undefined }, n.labels)).length;
        return { namespace: istioNamespace, name, labels: { app: 'ztunnel', [REV]: rev }, nodeSelector, requiredAffinity: undefined, desired: placed, ready: placed, updated: placed, release: name, revision: rev };
      });
  }

  facts(query: InspectQuery): ClusterFacts {
    const { istioNamespace, namespaces } = query;
    const sameRef = (o: { metadata: { name: string; namespace?: string } }, ref: { namespace: string; name: string }): boolean => o.metadata.name === ref.name && o.metadata.namespace === ref.namespace;
    return {
      serverVersion: 'v1.36.3',
      nodes: [...this.nodes.entries()].map(([name, n]) => ({ name, labels: { ...n.labels }, taints: [...n.taints], unschedulable: n.unschedulable, ready: true })),
      namespaces: Object.fromEntries(namespaces.filter((n) => this.namespaces.has(n)).map((n) => [n, { name: n, labels: { ...this.namespaces.get(n) }, terminating: false }])),
      istiods: [...this.releases.keys()].filter((r) => r.startsWith('istiod-')).map((r) => ({ namespace: istioNamespace, name: r, labels: { app: 'istiod', [REV]: r.slice(7) }, replicas: 1, readyReplicas: 1, env: { PILOT_ENABLE_AMBIENT: 'true' } })),
      ztunnels: this.ztunnels(istioNamespace),
      cni: undefined,
      crds: ['httproutes.gateway.networking.k8s.io', ...ISTIO_CRDS],
      route: sameRef(this.route, query.route) ? structuredClone(this.route) : undefined,
      gateway: sameRef(this.gateway, query.gateway) ? structuredClone(this.gateway) : undefined,
      releases: [
        ...[...this.releases.entries()].map(([name, r]) => ({ name, namespace: istioNamespace, owned: r.owned, status: 'deployed' })),
        ...(this.base?.helm && this.base.namespace === istioNamespace ? [{ name: this.base.release, namespace: istioNamespace, owned: false, status: this.base.status }] : []),
      ],
      defaultValidator: this.validator(istioNamespace),
      defaultTagInjector: this.tagInjector(istioNamespace),
    };
  }

  private validator(istioNamespace: string): SingletonWebhookFacts | undefined {
    if (!this.base) return undefined;
    const release = this.base.helm ? { name: this.base.release, namespace: this.base.namespace } : undefined;
    return { name: DEFAULT_VALIDATOR, release, revision: this.base.defaultRevision, services: [{ namespace: istioNamespace, name: `istiod-${this.base.defaultRevision}` }] };
  }

  private tagInjector(istioNamespace: string): SingletonWebhookFacts | undefined {
    const holder = this.defaultTagHolder();
    if (!holder) return undefined;
    const rev = holder.slice('istiod-'.length);
    return { name: DEFAULT_TAG_INJECTOR, release: { name: holder, namespace: istioNamespace }, revision: rev, services: [{ namespace: istioNamespace, name: `istiod-${rev}` }] };
  }

  /**
   * What preflight alone reads: a healthy ambient mesh around the releases and nodes above
   * (istio-cni and every ztunnel Ready where they run, Gateway API served, no sidecars).
   */
  mesh(query: MeshQuery): MeshFacts {
    const cni: DaemonSetFacts = { namespace: query.istioNamespace, name: 'istio-cni-node', labels: { 'k8s-app': 'istio-cni-node' }, nodeSelector: {}, requiredAffinity: undefined, desired: this.nodes.size, ready: this.nodes.size, updated: this.nodes.size, release: 'istio-cni', revision: undefined };
    const podsOf = (ds: DaemonSetFacts) =>
      [...this.nodes.entries()].filter(([, n]) => daemonSetSelects(ds, n.labels)).map(([node]) => ({ namespace: ds.namespace, name: `${ds.name}-${node}`, node, ready: true, daemonSet: `${ds.namespace}/${ds.name}` }));
    return {
      namespaces: [...this.namespaces.entries()].map(([name, labels]) => ({ name, labels: { ...labels }, terminating: false })),
      cni,
      cniConfig: { AMBIENT_ENABLED: 'true' },
      agentPods: [cni, ...this.ztunnels(query.istioNamespace)].flatMap(podsOf),
      sidecars: [],
      mutatingWebhooks: [],
      stableObjects: [],
      served: query.served.map(servedKey),
      lease: this.lease ? { namespace: query.lease.namespace, name: query.lease.name, holder: this.lease.holder, acquiredAt: this.lease.since, renewedAt: this.lease.since, durationSeconds: 30 } : undefined,
    };
  }

  /** What helm does with an invocation, as far as the orchestrator can tell (test/support/fake-helm.ts); returns what it prints. */
  helm(inv: HelmInvocation): string {
    return helmAnswer(this, inv);
  }

  deleteNamespace(name: string): 'deleted' | 'absent' {
    const labels = this.namespaces.get(name);
    if (!labels) return 'absent';
    if (!isOwned(labels)) throw new OwnershipError(`namespace ${name} was not created by ambient-canary`);
    this.mutate(`delete namespace ${name}`);
    this.namespaces.delete(name);
    this.objects.delete(name);
    return 'deleted';
  }

  writeRules(route: HTTPRoute, rules: RouteRule[]): HTTPRoute {
    if (route.metadata.resourceVersion !== this.route.metadata.resourceVersion) throw new ConflictError('route changed');
    this.mutate(`route rules ${describeRules(rules)}`);
    const generation = (this.route.metadata.generation ?? 1) + 1;
    this.route = { ...this.route, metadata: { ...this.route.metadata, generation, resourceVersion: String(++this.version) }, spec: { ...this.route.spec, rules: structuredClone(rules) } };
    this.route.status = programmedStatus(this.route, generation);
    return structuredClone(this.route);
  }

  saveRecord(id: string, record: RunRecord, expected: number | undefined): number {
    const current = this.records.get(id);
    if (expected === undefined ? current !== undefined : current?.version !== expected) throw new ConflictError(`run record ${id} changed`);
    this.mutate(`record ${record.phase ?? '-'} ${record.outcome} ${record.weight}`);
    const version = ++this.version;
    this.records.set(id, { record: structuredClone(record), version });
    return version;
  }

  acquire(holder: string, now: string): void {
    if (this.lease && this.lease.holder !== holder) throw new LockedError(this.lease.holder, this.lease.since);
    this.lease = { holder, since: now };
  }
}

/** `stable=90 canary=10 +header`: the route's managed state in one line for the journal. */
export function describeRules(rules: readonly RouteRule[]): string {
  const refs = rules.flatMap((r) => r.backendRefs ?? []);
  const weights = refs.map((r) => `${r.namespace ?? '?'}=${r.weight ?? 1}`).join(',');
  const header = rules.some((r) => (r.matches ?? []).some((m) => (m.headers ?? []).length > 0)) ? ' +header' : '';
  return `${weights}${header}`;
}

function programmedStatus(route: HTTPRoute, generation: number): HTTPRoute['status'] {
  const parents = (route.spec.parentRefs ?? []) as { name: string; namespace?: string }[];
  return {
    parents: parents.map((p) => ({
      parentRef: p,
      controllerName: 'istio.io/gateway-controller',
      conditions: ['Accepted', 'ResolvedRefs'].map((type) => ({ type, status: 'True' as const, reason: type, observedGeneration: generation })),
    })),
  };
}
