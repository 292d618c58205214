import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/conflict.js';
import { InputError } from '../../../src/domain/errors.js';
import type { HTTPRoute, RouteRule } from '../../../src/gateway-api/types.js';
import { site } from '../../../src/kube/errors.js';
import { retryOnConflict } from '../../../src/kube/retry.js';
import type { RouteStore } from '../../../src/routing/ports.js';
import { createNamespace, kube, never, suffix } from './support.js';

const { client, ports } = kube();
const namespace = `it-route-${suffix()}`;
let cleanup: () => Promise<void>;

/** A route a user might really have: hostnames, filters, timeouts, several rules. */
function userRoute(name: string): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace, labels: { team: 'shop' }, annotations: { 'example.com/owner': 'payments' } },
    spec: {
      parentRefs: [{ name: 'ingress', namespace: 'istio-ingress', sectionName: 'http' }],
      hostnames: ['shop.example.com', 'www.shop.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-tenant', value: 'blue' }] }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'api' }], remove: ['x-debug'] } }],
          timeouts: { request: '10s', backendRequest: '5s' },
          backendRefs: [
            { name: 'api', namespace, port: 8080, weight: 90, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'api' }] } }] },
            { name: 'api-v2', namespace, port: 8080, weight: 10 },
          ],
        },
        {
          matches: [{ path: { type: 'Exact', value: '/healthz' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
        },
        { backendRefs: [{ name: 'web', port: 80 }] },
      ],
    },
  };
}

async function createRoute(name: string): Promise<HTTPRoute> {
  const created = await client.call(site('create', 'HTTPRoute', namespace, name), never, () => client.objects.create(userRoute(name)));
  return JSON.parse(JSON.stringify(created)) as HTTPRoute;
}

function withWeights(rules: readonly RouteRule[], stable: number, canary: number): RouteRule[] {
  const copy = structuredClone(rules) as RouteRule[];
  const refs = copy[0]?.backendRefs ?? [];
  if (refs[0]) refs[0].weight = stable;
  if (refs[1]) refs[1].weight = canary;
  return copy;
}

/**
 * Read and write until the write lands, as the router does: the gateway controller writes
 * the route's status after each change, which moves its resourceVersion too.
 */
function writeFresh(store: RouteStore, edit: (rules: readonly RouteRule[]) => RouteRule[]): Promise<HTTPRoute> {
  return retryOnConflict(async () => {
    const route = await store.get(never);
    return store.writeRules(route, edit(route.spec.rules ?? []), never);
  });
}

beforeAll(async () => {
  cleanup = await createNamespace(client, namespace);
});
afterAll(async () => cleanup());

describe('RouteStore against the real apiserver', () => {
  it('changes only the rules it writes: every other field and rule survives exactly', async () => {
    const before = await createRoute('keep');
    const store = ports.routeStore({ namespace, name: 'keep' });
    const stored = await writeFresh(store, (rules) => withWeights(rules, 50, 50));
    const rules = withWeights(before.spec.rules ?? [], 50, 50);

    expect(stored.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    const after = await store.get(never);
    expect(after.spec.rules).toEqual(rules);
    // Everything but rule 0's two weights is as the apiserver stored it before our write.
    const expected = structuredClone(before.spec);
    expected.rules = withWeights(before.spec.rules ?? [], 50, 50);
    expect(after.spec).toEqual(expected);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata['annotations']).toEqual(before.metadata['annotations']);
  });

  it('refuses a write computed from a stale resourceVersion with ConflictError', async () => {
    await createRoute('cas');
    const store = ports.routeStore({ namespace, name: 'cas' });
    const first = await store.get(never);
    await writeFresh(store, (rules) => withWeights(rules, 80, 20));
    const stale = store.writeRules(first, withWeights(first.spec.rules ?? [], 0, 100), never);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    const now = await store.get(never);
    expect(now.spec.rules?.[0]?.backendRefs?.map((r) => r.weight)).toEqual([80, 20]);
  });

  it('says how to fix a route that does not exist', async () => {
    const err = await ports.routeStore({ namespace, name: 'missing' }).get(never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]?.path).toBe('--route');
    expect((err as Error).message).toContain(`HTTPRoute ${namespace}/missing not found`);
  });
});
