import { isPhaseDone } from '../domain/phase.js';
import type { RunRecord } from '../domain/run-record.js';
import { readWeights, type RouteContext } from '../gateway-api/rules.js';
import type { ClusterFacts } from '../mesh/cluster-facts.js';
import { isOwned } from '../mesh/labels.js';

/**
 * What the cluster holds now for a run, read by `canary status` beside the record. The
 * record says what a run did and decided; a process killed between an action and its
 * record leaves the two apart, so status reads the objects themselves and names every gap.
 */
export interface ObservedRun {
  readonly at: string;
  readonly route: ObservedRoute;
  /** Nodes the run touched or that carry the canary label, with their label and taint now. */
  readonly nodes: readonly { readonly name: string; readonly label: string | null; readonly canaryTaint: boolean }[];
  /** Helm releases of either revision in the Istio namespace. */
  readonly releases: readonly { readonly name: string; readonly status: string }[];
  readonly canaryNamespace: { readonly name: string; readonly exists: boolean; readonly owned: boolean };
  /** The live lock holder; undefined when no process holds the lock. */
  readonly lock: ObservedLock | undefined;
  /** Gaps between record and cluster, each with what converges it; empty when they agree. */
  readonly findings: readonly string[];
}

/** The lock's live holder as status shows it (the same shape as the lock port's). */
export interface ObservedLock {
  readonly holder: string;
  readonly since: string | undefined;
  readonly renewedAt: string | undefined;
  readonly expiresAt: string | undefined;
}

export type ObservedRoute =
  | { readonly state: 'split'; readonly stable: number; readonly canary: number }
  | { readonly state: 'stable-only' }
  | { readonly state: 'canary-only' }
  | { readonly state: 'inconsistent'; readonly detail: string }
  | { readonly state: 'missing' };

export interface ObserveInput {
  readonly record: RunRecord;
  readonly facts: Pick<ClusterFacts, 'nodes' | 'namespaces' | 'releases' | 'route'>;
  readonly route: RouteContext;
  readonly nodeLabel: string;
  readonly canaryNamespace: string;
  readonly lock: ObservedLock | undefined;
  readonly at: string;
}

export function observeRun(input: ObserveInput): ObservedRun {
  const { record, facts, nodeLabel } = input;
  const canary = record.revisions.canary;
  const touched = new Set([...record.canaryNodes.map((n) => n.name), ...record.promotedNodes]);
  const nodes = facts.nodes
    .filter((n) => touched.has(n.name) || n.labels[nodeLabel] === canary)
    .map((n) => ({ name: n.name, label: n.labels[nodeLabel] ?? null, canaryTaint: n.taints.some((t) => t.key === nodeLabel && t.value === canary) }));
  const revisions = [record.revisions.stable, canary];
  const releases = facts.releases.filter((r) => revisions.some((rev) => r.name.endsWith(`-${rev}`))).map((r) => ({ name: r.name, status: r.status }));
  const ns = facts.namespaces[input.canaryNamespace];
  const observed = {
    at: input.at,
    route: routeState(input),
    nodes,
    releases,
    canaryNamespace: { name: input.canaryNamespace, exists: ns !== undefined, owned: isOwned(ns?.labels) },
    lock: input.lock,
  };
  return { ...observed, findings: findings(record, observed, nodeLabel) };
}

function routeState({ facts, route }: ObserveInput): ObservedRoute {
  if (!facts.route) return { state: 'missing' };
  const read = readWeights(facts.route.spec.rules ?? [], route);
  if (read.kind === 'weights') return { state: 'split', stable: read.weights.stable, canary: read.weights.canary };
  if (read.kind === 'no-canary') return { state: 'stable-only' };
  if (read.kind === 'inconsistent') return { state: 'inconsistent', detail: read.detail };
  const canaryOnly = (facts.route.spec.rules ?? []).some((r) => (r.backendRefs ?? []).some((b) => b.namespace === route.canaryNamespace));
  return canaryOnly ? { state: 'canary-only' } : { state: 'missing' };
}

/** The canary weight the route gives now, as the record would state it. */
export function routeCanaryWeight(route: ObservedRoute): number | undefined {
  if (route.state === 'split') return route.canary;
  if (route.state === 'stable-only') return 0;
  if (route.state === 'canary-only') return 100;
  return undefined;
}

type Observed = Omit<ObservedRun, 'findings'>;

function findings(record: RunRecord, o: Observed, nodeLabel: string): string[] {
  return [...routeFindings(record, o), ...nodeFindings(record, o, nodeLabel), ...progressFindings(record, o)];
}

function routeFindings(record: RunRecord, o: Observed): string[] {
  const weight = routeCanaryWeight(o.route);
  if (o.route.state === 'inconsistent') return [`the route's managed rules disagree (${o.route.detail}): someone edited it; \`canary abort\` puts it back on the stable revision`];
  if (weight === undefined || weight === record.weight) return [];
  if (o.route.state === 'canary-only' && record.outcome !== 'promoted') return ['the route serves only the canary: a promote was under way; `canary promote` finishes it'];
  if (o.route.state === 'canary-only') return [];
  return [`the route gives the canary ${weight}%, the record says ${record.weight}%: a process stopped between moving the route and recording it; \`canary abort\` (or \`canary step\`/\`canary upgrade\`) converges`];
}

function nodeFindings(record: RunRecord, o: Observed, nodeLabel: string): string[] {
  const recorded = new Set([...record.canaryNodes.map((n) => n.name), ...record.promotedNodes]);
  return o.nodes.filter((n) => !recorded.has(n.name)).map((n) => `node ${n.name} carries ${nodeLabel}=${n.label ?? ''} but the record does not list it: \`canary abort\` removes the label`);
}

function progressFindings(record: RunRecord, o: Observed): string[] {
  const canary = record.revisions.canary;
  const installed = o.releases.filter((r) => r.name.endsWith(`-${canary}`)).map((r) => `${r.name} (${r.status})`);
  const found: string[] = [];
  if (record.outcome === 'running' && !isPhaseDone(record.phase, 'data-plane') && installed.length > 0) {
    found.push(`installed but not recorded as done: ${installed.join(', ')}; the process stopped mid-phase: \`canary upgrade\` resumes, \`canary abort\` removes them`);
  }
  const ended = record.outcome !== 'running' && record.outcome !== 'promoted';
  const left = [...installed, ...(o.canaryNamespace.exists && o.canaryNamespace.owned ? [`namespace ${o.canaryNamespace.name}`] : [])];
  if (ended && left.length > 0) found.push(`the run ended (${record.outcome}) but its canary is still here: ${left.join(', ')} (kept with --keep-canary, or the revert stopped): \`canary abort\` removes it`);
  return found;
}
