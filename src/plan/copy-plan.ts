import type { KubeObject } from '../domain/kube-object.js';
import { cloneWithChanges, CLONED_KINDS, type CloneOptions } from './clone.js';
import { namespaceMentions } from './copy-rewrite.js';
import { inventory, isWritten, refOf, type Inventory } from './copy-inventory.js';

/**
 * The whole copy of a stable namespace, decided before anything is written (issue 13): what
 * each object becomes (copy-inventory.ts), the copies in apply order, every reference
 * rewritten, and where free text names the stable namespace. Pure: the plan, preflight and
 * the copy itself build it from the same objects.
 */
export interface CopyPlan {
  readonly inventory: Inventory;
  /** In apply order (clone.ts CLONED_KINDS). */
  readonly objects: readonly KubeObject[];
  /** `Kind/name: field: old → new`, one per rewritten reference. */
  readonly rewrites: readonly string[];
  /** `ConfigMap/name key k`: text naming the stable namespace, copied as it is. */
  readonly mentions: readonly string[];
}

const order = (obj: KubeObject): number => {
  const i = CLONED_KINDS.findIndex((k) => k.kind === obj.kind && k.apiVersion.split('/')[0] === obj.apiVersion.split('/')[0]);
  return i === -1 ? CLONED_KINDS.length : i;
};

export function planCopy(sources: readonly KubeObject[], o: CloneOptions): CopyPlan {
  const inv = inventory(sources, { skip: o.skip });
  const written = new Set(inv.entries.filter(isWritten).map((e) => e.ref));
  const chosen = sources.filter((s) => written.has(refOf(s))).sort((a, b) => order(a) - order(b) || a.metadata.name.localeCompare(b.metadata.name));
  const rewrites: string[] = [];
  const objects = chosen.map((s) => {
    const { object, changes } = cloneWithChanges(s, o);
    rewrites.push(...changes.map((c) => `${refOf(s)}: ${c}`));
    return object;
  });
  const stable = o.namespaces.stable;
  const mentions = chosen.filter((s) => s.kind === 'ConfigMap').flatMap((s) => namespaceMentions(s, stable).map((key) => `${refOf(s)} key ${key}`));
  return { inventory: inv, objects, rewrites, mentions };
}

/** What a copy did, for the run's output and record: names only (never a Secret's values). */
export interface CloneReport {
  /** `Kind/name` of each object written, in apply order. */
  readonly copied: readonly string[];
  /** `Kind/name: why` of each object copy.skip accepted (left out, or a StatefulSet without its data). */
  readonly accepted: readonly string[];
  readonly rewrites: readonly string[];
  readonly mentions: readonly string[];
}

export function copyReport(plan: CopyPlan): CloneReport {
  return {
    copied: plan.objects.map((o) => `${o.kind}/${o.metadata.name}`),
    accepted: plan.inventory.entries.filter((e) => e.disposition === 'accepted').map((e) => `${e.ref}: ${e.why}`),
    rewrites: plan.rewrites,
    mentions: plan.mentions,
  };
}
