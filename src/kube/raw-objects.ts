import { HttpMethod, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';

/**
 * The generic object API, reading and writing the apiserver's JSON as it is. Why: the
 * client's KubernetesObjectApi passes every kind it has a model for through that model,
 * which renames the fields TypeScript reserves (a NetworkPolicy rule's `from` is read as
 * `_from` and dropped on the way back: a copy that admits every source) and leaves out any
 * field newer than the client. A copy must be the stable's objects, field for field.
 * Discovery, paths, authentication and middleware stay the library's.
 */
export class RawObjectApi extends KubernetesObjectApi {
  /** The kind's objects in the namespace, each with its apiVersion and kind (list items carry none). */
  async listRaw(apiVersion: string, kind: string, namespace: string): Promise<KubernetesObject[]> {
    const path = await this.specUriPath({ apiVersion, kind, metadata: { namespace } }, 'list');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    const list = await this.requestPromise<KubernetesObject & { items?: KubernetesObject[] }>(request, 'any');
    return (list.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
  }

  /** Server-side apply of the object exactly as given. */
  async applyRaw(object: KubernetesObject, fieldManager: string, force: boolean): Promise<KubernetesObject> {
    const path = await this.specUriPath(structuredClone(object), 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', fieldManager);
    if (force) request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(object));
    return this.requestPromise<KubernetesObject>(request, 'any');
  }
}
