import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { NotFoundError } from '../domain/conflict.js';
import { InfraError, InputError } from '../domain/errors.js';
import { describeObject } from '../domain/kube-object.js';
import { GATEWAY_API_GROUP, type HTTPRoute, type RouteRule } from '../gateway-api/types.js';
import { FIELD_MANAGER, type KubeClient } from './client.js';
import { site } from './errors.js';
import type { RouteStore } from '../routing/ports.js';

export const HTTPROUTE_API_VERSION = `${GATEWAY_API_GROUP}/v1`;

/** Client models hold Dates and class instances; callers compare and print plain JSON. */
function plain(obj: KubernetesObject): HTTPRoute {
  return JSON.parse(JSON.stringify(obj)) as HTTPRoute;
}

/**
 * One user-named HTTPRoute. Writes are merge patches of `spec.rules` as a whole (custom
 * resources take no strategic merge, and a merge patch replaces arrays) carrying the
 * resourceVersion the rules were computed from, so the apiserver refuses a stale write with
 * 409. Every other field of the route is left exactly as the user wrote it.
 */
export class KubeRouteStore implements RouteStore {
  private readonly object: string;

  constructor(
    private readonly client: KubeClient,
    private readonly ref: { readonly namespace: string; readonly name: string },
  ) {
    this.object = describeObject('HTTPRoute', ref.namespace, ref.name);
  }

  async get(signal: AbortSignal): Promise<HTTPRoute> {
    const spec = { apiVersion: HTTPROUTE_API_VERSION, kind: 'HTTPRoute', metadata: { name: this.ref.name, namespace: this.ref.namespace } };
    try {
      return plain(await this.client.call(site('get', 'HTTPRoute', this.ref.namespace, this.ref.name), signal, () => this.client.objects.read<KubernetesObject>(spec)));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new InputError([{ path: '--route', message: `${this.object} not found: create it (with a backendRef to the stable Service), or name the right route with --route namespace/name` }], { cause: err });
    }
  }

  async writeRules(route: HTTPRoute, rules: RouteRule[], signal: AbortSignal): Promise<HTTPRoute> {
    const resourceVersion = route.metadata.resourceVersion;
    // Without a resourceVersion the patch would win unconditionally: never write blind.
    if (!resourceVersion) throw new InfraError(`${this.object}: refusing to write rules without the resourceVersion they were read at`, { object: this.object });
    const patch = {
      apiVersion: HTTPROUTE_API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name: this.ref.name, namespace: this.ref.namespace, resourceVersion },
      spec: { rules },
    };
    const stored = await this.client.call(site('patch', 'HTTPRoute', this.ref.namespace, this.ref.name), signal, () =>
      this.client.objects.patch<KubernetesObject>(patch, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    );
    return plain(stored);
  }
}
