import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { backends, canary, core, custom, namespaceExists, nodeRevisions, nodeTaints, releases, route, upgradeArgs } from './support.js';
import { Traffic } from './traffic.js';

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
});
afterAll(() => unlock?.());

describe('Given the stable mesh on 1.29.6 and objects ambient-canary did not create', () => {
  describe('When `canary upgrade --from 1.29.6 --to 1.30.3` runs under steady traffic', () => {
    let exitCode: number;
    let output: string;
    let traffic: Awaited<ReturnType<Traffic['finish']>>;

    beforeAll(async () => {
      await core.createNamespace({ body: { metadata: { name: 'bookinfo-legacy', labels: { team: 'payments' } } } }).catch(() => undefined);
      await core.createNamespacedConfigMap({ namespace: 'istio-system', body: { metadata: { name: 'canary-run-notes', labels: { team: 'payments' } }, data: { note: 'not ours' } } }).catch(() => undefined);
      const load = new Traffic(`${inject('gatewayUrl')}/`).start();
      const result = await canary(upgradeArgs());
      traffic = await load.finish();
      exitCode = result.exitCode ?? -1;
      output = result.all ?? '';
    }, 600_000);

    afterAll(async () => {
      await core.deleteNamespace({ name: 'bookinfo-legacy' }).catch(() => undefined);
      await core.deleteNamespacedConfigMap({ namespace: 'istio-system', name: 'canary-run-notes' }).catch(() => undefined);
    });

    it('Then it exits 0 and says the mesh runs 1-30-3', () => {
      expect(exitCode, output).toBe(0);
      expect(output).toMatch(/Promoted: the mesh runs 1-30-3/);
    });

    it('Then every rule of the route has one backend, in the canary namespace', async () => {
      expect(backends(await route())).toEqual([[['bookinfo-1-30-3', 1]], [['bookinfo-1-30-3', 1]]]);
    });

    it('Then the new namespace serves through the gateway', async () => {
      const response = await fetch(`${inject('gatewayUrl')}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-sim-namespace')).toBe('bookinfo-1-30-3');
      expect(response.headers.get('x-sim-revision')).toBe('1-30-3');
    });

    it('Then the gateway and every node are on the new revision, untainted', async () => {
      const gw = (await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'istio-ingress', plural: 'gateways', name: 'ingress' })) as { metadata: { labels?: Record<string, string> } };
      expect(gw.metadata.labels?.['istio.io/rev']).toBe('1-30-3');
      expect(Object.values(await nodeRevisions())).toEqual(['1-30-3', '1-30-3', '1-30-3']);
      expect(await nodeTaints()).toEqual([]);
    });

    it('Then the old istiod and ztunnel releases and the old namespace are gone', async () => {
      expect(await releases()).toEqual(['istio-base', 'istio-cni', 'istiod-1-30-3', 'ztunnel-1-30-3']);
      expect(await namespaceExists('bookinfo-1-29-6')).toBe(false);
    });

    it('Then nothing without the ambient-canary label was deleted', async () => {
      expect(await namespaceExists('bookinfo-legacy')).toBe(true);
      const cm = await core.readNamespacedConfigMap({ namespace: 'istio-system', name: 'canary-run-notes' });
      expect(cm.data?.['note']).toBe('not ours');
    });

    it('Then no request failed because of the orchestrator: zero 5xx and no connection errors', () => {
      expect(traffic.total).toBeGreaterThan(100);
      expect(traffic.failures).toEqual({});
    });
  });
});
