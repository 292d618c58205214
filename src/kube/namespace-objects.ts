import type { KubeObject } from '../domain/kube-object.js';
import { apiVersionOf, READ_KINDS } from '../plan/copy-kinds.js';
import type { KubeClient } from './client.js';
import { orUndefined, site } from './errors.js';

/**
 * Every object of the kinds the copy reads (plan/copy-kinds.ts READ_KINDS) in a namespace, as the copy and preflight read it: the
 * apiserver's JSON as it is, apiVersion and kind set on each item (list items carry none), none of
 * a kind the cluster does not serve (an Istio or Gateway API CRD not installed).
 */
export async function readNamespaceObjects(client: KubeClient, namespace: string, signal: AbortSignal): Promise<KubeObject[]> {
  const lists = await Promise.all(
    READ_KINDS.map(async (k) => {
      const apiVersion = apiVersionOf(k);
      const at = site('list', k.kind, namespace, undefined, apiVersion);
      // A group or kind not served is a NotFoundError (kube/errors.ts mapError): none of it here.
      // Raw JSON: the typed models rename and drop fields (kube/raw-objects.ts).
      const items = await orUndefined(client.call(at, signal, () => client.raw.listRaw(apiVersion, k.kind, namespace)));
      return (items ?? []) as unknown as KubeObject[];
    }),
  );
  return lists.flat();
}
