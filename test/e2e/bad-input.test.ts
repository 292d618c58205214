import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM, FROM_REV, TO, apps, canary, core, custom } from './support.js';
import { re } from '../support/literal-regexp.js';

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
}, 600_000);
afterAll(() => unlock?.());

/** Every object a run could touch, by resourceVersion: equal before and after means no change. */
async function snapshot(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  const add = (kind: string, items: { metadata?: { namespace?: string; name?: string; resourceVersion?: string } }[]) => {
    for (const i of items) versions[`${kind} ${i.metadata?.namespace ?? ''}/${i.metadata?.name}`] = i.metadata?.resourceVersion ?? '';
  };
  add('Node', (await core.listNode()).items.filter((n) => n.metadata?.name?.startsWith('kwok-node-')).map((n) => ({ metadata: { ...n.metadata, resourceVersion: JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable]) } })));
  add('Namespace', (await core.listNamespace()).items.filter((n) => n.metadata?.name?.startsWith('bookinfo')));
  add('ConfigMap', (await core.listNamespacedConfigMap({ namespace: 'istio-system' })).items);
  add('Secret', (await core.listNamespacedSecret({ namespace: 'istio-system' })).items);
  add('Deployment', (await apps.listNamespacedDeployment({ namespace: 'istio-system' })).items);
  add('DaemonSet', (await apps.listNamespacedDaemonSet({ namespace: 'istio-system' })).items);
  const routes = (await custom.listNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'istio-ingress', plural: 'httproutes' })) as { items: { metadata: { name: string; namespace: string; generation: number } }[] };
  for (const r of routes.items) versions[`HTTPRoute ${r.metadata.namespace}/${r.metadata.name}`] = String(r.metadata.generation);
  return versions;
}

const CASES: [string, string[], RegExp][] = [
  ['a from-revision that is not installed', ['--from', '1.28.4', '--to', TO], re`preflight\/from-installed: revision 1-28-4 is not installed.*check --from \(installed revisions: ${FROM_REV}\)`],
  ['a stable namespace that does not exist', ['--from', FROM, '--to', TO, '--stable-namespace', `shop-${FROM_REV}`], re`preflight\/stable-namespace: the stable namespace shop-${FROM_REV} does not exist`],
  ['a route that does not exist', ['--from', FROM, '--to', TO, '--route', 'istio-ingress/shop'], /preflight\/route: HTTPRoute istio-ingress\/shop does not exist.*--route namespace\/name/],
  ['the same version twice', ['--from', TO, '--to', TO], re`--to: is the version already running \(${TO}\)`],
];

describe('Given the stable mesh', () => {
  it.each(CASES)('When upgraded with %s, Then it exits 2 naming the fix, and nothing in the cluster changed', async (_name, args, message) => {
    const before = await snapshot();
    const r = await canary(['upgrade', ...args, '--bake', '2s']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/bad input, nothing was changed/);
    expect(r.stderr).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});
