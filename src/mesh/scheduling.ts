import type { DaemonSetFacts, NodeFacts, NodeSelectorRequirement, NodeSelectorTerms, Taint } from './cluster-facts.js';

/**
 * Whether a DaemonSet would place a pod on a node with these labels: its nodeSelector and
 * required node affinity both match. (Taints are ignored: Istio's ztunnel tolerates all.)
 */
export function daemonSetSelects(ds: Pick<DaemonSetFacts, 'nodeSelector' | 'requiredAffinity'>, labels: Readonly<Record<string, string>>): boolean {
  const selectorOk = Object.entries(ds.nodeSelector).every(([k, v]) => labels[k] === v);
  return selectorOk && termsMatch(ds.requiredAffinity, labels);
}

function termsMatch(terms: NodeSelectorTerms | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!terms || terms.length === 0) return true;
  // An empty term matches no node (Kubernetes' rule), not every node.
  return terms.some((t) => (t.matchExpressions ?? []).length > 0 && (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels)));
}

function requirementMatches(r: NodeSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
  }
}

/** True when the DaemonSet is pinned at all: without a selector it runs on every node. */
export function isPinned(ds: Pick<DaemonSetFacts, 'nodeSelector' | 'requiredAffinity'>): boolean {
  return Object.keys(ds.nodeSelector).length > 0 || (ds.requiredAffinity?.length ?? 0) > 0;
}

export function hasTaint(node: NodeFacts, taint: Taint): boolean {
  return node.taints.some((t) => t.key === taint.key && (t.value ?? '') === (taint.value ?? '') && t.effect === taint.effect);
}

/** The labels a node will have once it is labelled for a revision. */
export function relabelled(node: NodeFacts, key: string, value: string): Record<string, string> {
  return { ...node.labels, [key]: value };
}
