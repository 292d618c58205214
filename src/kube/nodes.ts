import { PatchStrategy, setHeaderOptions, type V1Taint } from '@kubernetes/client-node';
import type { NodeTaint } from '../plan/manifests.js';
import type { KubeClient } from './client.js';
import { drainNode, type DrainOptions } from './drain.js';
import { site } from './errors.js';
import type { DrainReport, NodeOps } from './ports.js';
import { retryOnConflict } from './retry.js';

export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Taints are identified by key and effect (as kubectl does): ours replaces one with another value. */
function sameSlot(a: V1Taint, b: NodeTaint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** The node's taints with ours added; undefined when it is already there (nothing to write). */
export function withTaint(taints: readonly V1Taint[], taint: NodeTaint): V1Taint[] | undefined {
  if (taints.some((t) => sameSlot(t, taint) && (t.value ?? '') === taint.value)) return undefined;
  return [...taints.filter((t) => !sameSlot(t, taint)), { key: taint.key, value: taint.value, effect: taint.effect }];
}

/** The node's taints without ours; undefined when it is not there. Another value under the same key is not ours. */
export function withoutTaint(taints: readonly V1Taint[], taint: NodeTaint): V1Taint[] | undefined {
  const kept = taints.filter((t) => !(sameSlot(t, taint) && (t.value ?? '') === taint.value));
  return kept.length === taints.length ? undefined : kept;
}

export class KubeNodeOps implements NodeOps {
  constructor(
    private readonly client: KubeClient,
    private readonly drainOptions: Omit<DrainOptions, 'timeoutMs'> = {},
  ) {}

  taint(node: string, taint: NodeTaint, signal: AbortSignal): Promise<void> {
    return this.editTaints(node, (taints) => withTaint(taints, taint), signal);
  }

  untaint(node: string, taint: NodeTaint, signal: AbortSignal): Promise<void> {
    return this.editTaints(node, (taints) => withoutTaint(taints, taint), signal);
  }

  async label(node: string, key: string, value: string | null, signal: AbortSignal): Promise<void> {
    // A merge patch of one map key touches no other label; null deletes it, and deleting an absent key is fine.
    await this.patch(node, { metadata: { labels: { [key]: value } } }, signal);
  }

  async cordon(node: string, unschedulable: boolean, signal: AbortSignal): Promise<void> {
    await this.patch(node, { spec: { unschedulable: unschedulable ? true : null } }, signal);
  }

  drain(node: string, timeoutMs: number, signal: AbortSignal): Promise<DrainReport> {
    return drainNode(this.client, node, { ...this.drainOptions, timeoutMs }, signal);
  }

  /**
   * The taints list is replaced as a whole (merge patch), so the write carries the
   * resourceVersion it was computed from: a concurrent edit (another taint added by the
   * node controller, say) gets a 409 and we start again from a fresh read.
   */
  private editTaints(name: string, edit: (taints: readonly V1Taint[]) => V1Taint[] | undefined, signal: AbortSignal): Promise<void> {
    return retryOnConflict(async () => {
      const node = await this.client.call(site('get', 'Node', undefined, name), signal, () => this.client.core.readNode({ name }));
      const next = edit(node.spec?.taints ?? []);
      if (next === undefined) return;
      await this.patch(name, { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: next } }, signal);
    });
  }

  private async patch(name: string, body: object, signal: AbortSignal): Promise<void> {
    await this.client.call(site('patch', 'Node', undefined, name), signal, () => this.client.core.patchNode({ name, body }, MERGE_PATCH));
  }
}
