import type { RunRecord } from '../domain/run-record.js';
import type { ClusterFacts } from '../mesh/cluster-facts.js';
import { isOwned } from '../mesh/labels.js';

/**
 * Which revert steps run, in which order, decided from the run record and what the
 * cluster holds now — never from where the run happened to fail. Traffic comes first,
 * always; nothing without our ownership label is removed (those become notes).
 */
export type RevertStep =
  | { readonly kind: 'weights' }
  | { readonly kind: 'route' }
  | { readonly kind: 'namespace'; readonly name: string }
  | { readonly kind: 'release'; readonly name: string }
  | { readonly kind: 'node'; readonly name: string; readonly priorLabel: string | null }
  | { readonly kind: 'note'; readonly message: string };

export interface RevertInput {
  readonly record: RunRecord;
  readonly facts: Pick<ClusterFacts, 'namespaces' | 'releases' | 'nodes'>;
  readonly keepCanary: boolean;
  readonly canaryNamespace: string;
  readonly nodeLabel: string;
}

export function revertSteps(input: RevertInput): RevertStep[] {
  const steps: RevertStep[] = [{ kind: 'weights' }, { kind: 'route' }];
  if (input.keepCanary) {
    return [...steps, { kind: 'note', message: `kept for inspection (--keep-canary): namespace ${input.canaryNamespace}, releases and node labels of ${input.record.revisions.canary}; \`canary abort\` without --keep-canary removes them` }];
  }
  steps.push(...namespaceSteps(input));
  steps.push(...releaseSteps(input));
  steps.push(...nodeSteps(input));
  return steps;
}

function namespaceSteps({ facts, canaryNamespace }: RevertInput): RevertStep[] {
  const ns = facts.namespaces[canaryNamespace];
  if (!ns) return [];
  if (!isOwned(ns.labels)) return [{ kind: 'note', message: `namespace ${canaryNamespace} was not created by ambient-canary: left as it is` }];
  return [{ kind: 'namespace', name: canaryNamespace }];
}

/** The data plane goes before the control plane it talks to. */
function releaseSteps({ facts, record }: RevertInput): RevertStep[] {
  const canary = record.revisions.canary;
  return [`ztunnel-${canary}`, `istiod-${canary}`].flatMap((name): RevertStep[] => {
    const release = facts.releases.find((r) => r.name === name);
    if (!release) return [];
    if (!release.owned) return [{ kind: 'note', message: `Helm release ${name} was not installed by ambient-canary: left as it is` }];
    return [{ kind: 'release', name }];
  });
}

/** Recorded nodes get their prior label back; a node labelled for the canary that the record missed loses it. */
function nodeSteps({ facts, record, nodeLabel }: RevertInput): RevertStep[] {
  const recorded = new Set(record.canaryNodes.map((n) => n.name));
  const steps: RevertStep[] = record.canaryNodes.map((n) => ({ kind: 'node', name: n.name, priorLabel: n.priorLabel }));
  for (const node of facts.nodes) {
    if (!recorded.has(node.name) && node.labels[nodeLabel] === record.revisions.canary && !record.promotedNodes.includes(node.name)) {
      steps.push({ kind: 'node', name: node.name, priorLabel: null });
    }
  }
  return steps;
}
