import { parseAllDocuments } from 'yaml';

/** One object a Helm release renders, as `helm get manifest` prints it. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As the manifest gives it; helm applies an object without one in the release's namespace. */
  readonly namespace: string | undefined;
}

/** Pure: the objects of a `helm get manifest` output (documents without kind or name, such as empty ones, are not objects). */
export function manifestObjects(manifest: string): ManifestObject[] {
  return parseAllDocuments(manifest).flatMap((doc) => {
    const o: unknown = doc.toJS();
    if (typeof o !== 'object' || o === null) return [];
    const { apiVersion, kind, metadata } = o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata?.name !== 'string') return [];
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    return [{ apiVersion, kind, name: metadata.name, namespace }];
  });
}

/** An object's identity across API versions: the group (not the version), the kind, namespace and name. */
function identity(o: ManifestObject, releaseNamespace: string): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/')) : '';
  return [group, o.kind, o.namespace ?? releaseNamespace, o.name].join('|');
}

/**
 * Pure: what a helm upgrade stopped mid-way had still to delete. Helm applies the new
 * revision's objects first and deletes those only the old one rendered last; killed in
 * between, it leaves them in the cluster, owned by the release but in neither the pending
 * revision's manifest nor (after a rollback) out of the way. `helm rollback` to the good
 * revision then trips over each (helm 3.22, pkg/kube/client.go Update: an object "exists on
 * cluster but not in original release" is patched from its live state as the baseline, and
 * that three-way patch removes metadata.resourceVersion: "must be specified for an update").
 * Seen live: the stable istiod killed while dropping its revision tags.
 */
export function leftoverObjects(good: string, pending: string, releaseNamespace: string): ManifestObject[] {
  const next = new Set(manifestObjects(pending).map((o) => identity(o, releaseNamespace)));
  return manifestObjects(good).filter((o) => !next.has(identity(o, releaseNamespace)));
}
