import type { NodeFacts } from './cluster-facts.js';

export interface NodeChoice {
  readonly nodes: readonly string[];
  /** Why it could not choose, in a sentence with the fix. */
  readonly problem: string | undefined;
  /** Nodes taken from the stable revision's capacity (it loses them until revert). */
  readonly takenFromStable: readonly string[];
}

export interface NodeSelectionInput {
  readonly nodes: readonly NodeFacts[];
  readonly label: string;
  readonly stable: string;
  readonly canary: string;
  readonly count: number;
  readonly named: readonly string[];
}

/**
 * Picks the canary nodes. Nodes already labelled for the canary come first (a resumed run
 * keeps its nodes), then Ready schedulable nodes with no revision label, then stable
 * nodes — never the last stable node, which would leave the stable workloads nowhere to run.
 */
export function chooseCanaryNodes(input: NodeSelectionInput): NodeChoice {
  const byName = new Map(input.nodes.map((n) => [n.name, n]));
  if (input.named.length > 0) return named(input, byName);
  const already = input.nodes.filter((n) => n.labels[input.label] === input.canary);
  const usable = (n: NodeFacts): boolean => n.ready && !n.unschedulable && n.labels[input.label] !== input.canary;
  const free = input.nodes.filter((n) => usable(n) && n.labels[input.label] === undefined);
  const stable = input.nodes.filter((n) => usable(n) && n.labels[input.label] === input.stable);
  const spareStable = stable.slice(0, Math.max(0, stable.length - 1));
  const picked = [...already, ...free, ...spareStable].slice(0, Math.max(input.count, already.length));
  const takenFromStable = picked.filter((n) => n.labels[input.label] === input.stable).map((n) => n.name);
  if (picked.length < input.count) {
    return {
      nodes: [],
      takenFromStable: [],
      problem: `needs ${input.count} canary node(s) but only ${picked.length} can be used (${free.length} Ready node(s) without a ${input.label} label, ${spareStable.length} spare stable node(s)): add nodes, lower --node-count, or name nodes with --canary-nodes`,
    };
  }
  return { nodes: picked.map((n) => n.name), takenFromStable, problem: undefined };
}

function named(input: NodeSelectionInput, byName: Map<string, NodeFacts>): NodeChoice {
  const problems: string[] = [];
  for (const name of input.named) {
    const node = byName.get(name);
    if (!node) problems.push(`${name} does not exist`);
    else if (!node.ready) problems.push(`${name} is not Ready`);
    else if (node.labels[input.label] !== undefined && ![input.stable, input.canary].includes(node.labels[input.label] as string)) {
      problems.push(`${name} is labelled ${input.label}=${node.labels[input.label]}, a third revision`);
    }
  }
  const stableLeft = input.nodes.filter((n) => n.labels[input.label] === input.stable && !input.named.includes(n.name));
  const anyStable = input.nodes.some((n) => n.labels[input.label] === input.stable);
  if (anyStable && stableLeft.length === 0) problems.push(`naming every ${input.label}=${input.stable} node leaves the stable workloads nowhere to run`);
  if (problems.length > 0) return { nodes: [], takenFromStable: [], problem: `--canary-nodes: ${problems.join('; ')}` };
  const takenFromStable = input.named.filter((n) => byName.get(n)?.labels[input.label] === input.stable);
  return { nodes: [...input.named], takenFromStable, problem: undefined };
}
