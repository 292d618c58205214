import { escapeRegExp, record, type Json } from './json.js';
import type { KubeObject } from '../domain/kube-object.js';
import { copyKindOf, type CopyAction } from './copy-kinds.js';
import { isWaypoint } from './copy-rewrite.js';

/**
 * What the copy does with each object of the stable namespace (issue 13), decided from the
 * table (copy-kinds.ts) and the object itself: pure, so `canary plan`, `--dry-run`, preflight
 * and the copy itself agree object by object. An object the copy cannot reproduce is
 * `refused`, unless the user accepted the difference by name (`copy.skip: [Kind/name]`):
 * then it is `accepted` (left out, or for a StatefulSet copied without its data).
 */

export type Disposition = Exclude<CopyAction, 'refuse'> | 'refused' | 'accepted';

export interface Entry {
  /** `Kind/name`, as `copy.skip` names it. */
  readonly ref: string;
  readonly disposition: Disposition;
  readonly why: string;
}

export interface InventoryOptions {
  /** `Kind/name` of each object whose unfaithful copy the user accepts. */
  readonly skip: readonly string[];
}

export interface Inventory {
  readonly entries: readonly Entry[];
  /** copy.skip entries that name no refused object (a typo, or an object copied faithfully: skipping is not for those). */
  readonly unusedSkips: readonly string[];
}

/** Made in every namespace by Kubernetes or istiod themselves; copying them would fight their owners. */
const PER_NAMESPACE = new Set(['ConfigMap/kube-root-ca.crt', 'ConfigMap/istio-ca-root-cert', 'ServiceAccount/default']);

/** Secret types something else makes per namespace. */
const MADE_SECRETS: Record<string, string> = {
  'kubernetes.io/service-account-token': 'a ServiceAccount token: Kubernetes makes one for the copy’s ServiceAccount (a copy would hand the canary the stable’s credential)',
  'helm.sh/release.v1': 'Helm’s record of a release: a copy would make Helm see a release in the canary namespace that it never installed',
};

export const refOf = (obj: KubeObject): string => `${obj.kind}/${obj.metadata.name}`;


/** A StatefulSet's claim templates (data the copy does not have). */
export function claimTemplates(obj: KubeObject): string[] {
  const templates = record(obj['spec'])?.['volumeClaimTemplates'];
  return Array.isArray(templates) ? templates.flatMap((t) => (typeof record(t)?.['metadata'] === 'object' ? [String(record(record(t)?.['metadata'])?.['name'] ?? '')] : [])) : [];
}

/** PVCs named `<template>-<statefulset>-<ordinal>`, as the StatefulSet controller names them. */
function claimsOf(statefulSets: readonly KubeObject[]): RegExp[] {
  return statefulSets.flatMap((s) => claimTemplates(s).map((t) => new RegExp(`^${escapeRegExp(t)}-${escapeRegExp(s.metadata.name)}-\\d+$`)));
}


function decide(obj: KubeObject, all: ReadonlyMap<string, KubeObject>, claims: readonly RegExp[]): { disposition: Disposition | 'refuse'; why: string } {
  const ref = refOf(obj);
  if (PER_NAMESPACE.has(ref)) return { disposition: 'leave', why: 'made in every namespace by Kubernetes or istiod' };
  const owners = Array.isArray(obj.metadata['ownerReferences']) ? (obj.metadata['ownerReferences'] as Json[]) : [];
  if (owners.length > 0) {
    const outside = owners.filter((w) => !all.has(String(w['uid'])));
    if (outside.length === 0) return { disposition: 'leave', why: `made by ${owners.map((w) => `${String(w['kind'])}/${String(w['name'])}`).join(', ')}, which the copy makes again` };
    return { disposition: 'refuse', why: `owned by ${outside.map((w) => `${String(w['kind'])}/${String(w['name'])}`).join(', ')}, outside the namespace: nothing in the copy would make it` };
  }
  const row = copyKindOf(obj.apiVersion, obj.kind);
  if (!row) return { disposition: 'refuse', why: `${obj.apiVersion} ${obj.kind} is a kind the copy does not know: what it does cannot be reproduced on trust` };
  if (obj.kind === 'Secret') {
    const made = MADE_SECRETS[String(obj['type'] ?? '')];
    if (made) return { disposition: 'leave', why: made };
  }
  if (obj.kind === 'Gateway' && !isWaypoint(obj)) return { disposition: 'refuse', why: 'a Gateway that is not a waypoint (class istio-waypoint): a copy would be a second gateway for the same listeners' };
  if (obj.kind === 'StatefulSet' && claimTemplates(obj).length > 0) return { disposition: 'refuse', why: `its claims (${claimTemplates(obj).join(', ')}) would get new, empty volumes: the data is not copied` };
  if (obj.kind === 'Pod') return { disposition: 'refuse', why: 'a pod without a controller: no copied controller would make it' };
  if (obj.kind === 'ReplicaSet') return { disposition: 'refuse', why: 'a ReplicaSet without a Deployment: copy it as a Deployment' };
  if (obj.kind === 'PersistentVolumeClaim') {
    if (claims.some((c) => c.test(obj.metadata.name))) return { disposition: 'leave', why: "a StatefulSet's claim: the copy's StatefulSet makes its own" };
    return { disposition: 'refuse', why: 'a volume claim holding data the copy does not have' };
  }
  return { disposition: row.action, why: row.why };
}

export function inventory(objects: readonly KubeObject[], o: InventoryOptions): Inventory {
  const byUid = new Map(objects.flatMap((obj) => (obj.metadata.uid ? [[obj.metadata.uid, obj] as const] : [])));
  const claims = claimsOf(objects.filter((x) => x.kind === 'StatefulSet'));
  const skip = new Set(o.skip);
  const used = new Set<string>();
  const entries = objects.map((obj): Entry => {
    const ref = refOf(obj);
    const d = decide(obj, byUid, claims);
    if (d.disposition !== 'refuse') return { ref, disposition: d.disposition, why: d.why };
    if (!skip.has(ref)) return { ref, disposition: 'refused', why: d.why };
    used.add(ref);
    const accepted = obj.kind === 'StatefulSet' ? `copied without its data, as copy.skip accepts: ${d.why}` : `left out, as copy.skip accepts: ${d.why}`;
    return { ref, disposition: 'accepted', why: accepted };
  });
  return { entries: entries.sort(byRef), unusedSkips: o.skip.filter((s) => !used.has(s)) };
}

const byRef = (a: Entry, b: Entry): number => a.ref.localeCompare(b.ref);

/** Whether the copy writes the object: copied or rewritten, or a StatefulSet accepted without its data. */
export function isWritten(e: Entry): boolean {
  return e.disposition === 'copy' || e.disposition === 'rewrite' || (e.disposition === 'accepted' && e.ref.startsWith('StatefulSet/'));
}
