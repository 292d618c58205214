import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { CANARY_NS, FROM, FROM_REV, TO, TO_REV, backends, canary, core, custom, namespaceExists, nodeRevisions, nodeTaints, releases, route, upgradeArgs } from './support.js';
import { Traffic } from './traffic.js';
import { re } from '../support/literal-regexp.js';

interface Webhooks {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  webhooks: { clientConfig: { service?: { name: string } }; failurePolicy?: string }[];
}

function kubectl(args: readonly string[]) {
  return execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args]);
}

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
});
afterAll(() => unlock?.());

describe(`Given the stable mesh on ${FROM} and objects ambient-canary did not create`, () => {
  describe(`When \`canary upgrade --from ${FROM} --to ${TO}\` runs under steady traffic`, () => {
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

    it(`Then it exits 0 and says the mesh runs ${TO_REV}`, () => {
      expect(exitCode, output).toBe(0);
      expect(output).toMatch(re`Promoted: the mesh runs ${TO_REV}`);
    });

    it(`Then its preflight measured the stable ${FROM_REV} under load before anything changed, with its success rate and p99 against the SLO`, () => {
      expect(output).toMatch(re`the stable revision ${FROM_REV} answers \d+\.\d+% of [\d,]+ requests \(objective 99\.5%\) with p99 [\d.,]+ ms \(bound 500 ms\) in [\d.]+ s: `);
    });

    it('Then every rule of the route has one backend, in the canary namespace', async () => {
      expect(backends(await route())).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
    });

    it('Then the new namespace serves through the gateway', async () => {
      const response = await fetch(`${inject('gatewayUrl')}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-sim-namespace')).toBe(`bookinfo-${TO_REV}`);
      expect(response.headers.get('x-sim-revision')).toBe(TO_REV);
      expect(response.headers.get('x-sim-served-by')).toBe(`ztunnel-${TO_REV}`);
    });

    it('Then the new namespace holds what the pods read and who may call them: the Secret, and the AuthorizationPolicy naming its own principal', async () => {
      const secret = await core.readNamespacedSecret({ namespace: `bookinfo-${TO_REV}`, name: 'productpage-session' });
      expect(Buffer.from(secret.data?.['SESSION_KEY'] ?? '', 'base64').toString()).toBe('demo-only-not-a-real-secret');
      expect(output).not.toContain('demo-only-not-a-real-secret');
      const policy = (await custom.getNamespacedCustomObject({ group: 'security.istio.io', version: 'v1', namespace: `bookinfo-${TO_REV}`, plural: 'authorizationpolicies', name: 'reviews-callers' })) as { spec: unknown };
      expect(policy.spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [`cluster.local/ns/bookinfo-${TO_REV}/sa/bookinfo-productpage`] } }] }] });
      expect(output).toContain(`rewritten for bookinfo-${TO_REV}: AuthorizationPolicy/reviews-callers: spec.rules[0].from[0].source.principals: cluster.local/ns/bookinfo-${FROM_REV}/sa/bookinfo-productpage → cluster.local/ns/bookinfo-${TO_REV}/sa/bookinfo-productpage`);
    });

    it('Then the gateway and every node are on the new revision, untainted', async () => {
      const gw = (await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'istio-ingress', plural: 'gateways', name: 'ingress' })) as { metadata: { labels?: Record<string, string> } };
      expect(gw.metadata.labels?.['istio.io/rev']).toBe(TO_REV);
      expect(Object.values(await nodeRevisions())).toEqual([TO_REV, TO_REV, TO_REV]);
      expect(await nodeTaints()).toEqual([]);
    });

    it('Then the old istiod and ztunnel releases and the old namespace are gone', async () => {
      expect(await releases()).toEqual(['istio-base', 'istio-cni', `istiod-${TO_REV}`, `ztunnel-${TO_REV}`]);
      expect(await namespaceExists(`bookinfo-${FROM_REV}`)).toBe(false);
    });

    it(`Then istio-base validates Istio config through istiod-${TO_REV}, still at its own chart version, and an Istio config write is admitted`, async () => {
      const vwc = JSON.parse((await kubectl(['get', 'validatingwebhookconfiguration', 'istiod-default-validator', '-o', 'json'])).stdout) as Webhooks;
      expect(vwc.metadata.labels?.['istio.io/rev']).toBe(TO_REV);
      expect(vwc.webhooks.map((w) => [w.clientConfig.service?.name, w.failurePolicy])).toEqual([[`istiod-${TO_REV}`, 'Fail']]);
      const listed = await execa(inject('helm'), ['list', '-n', 'istio-system', '-o', 'json', '--filter', '^istio-base$', '--kubeconfig', inject('kubeconfig')]);
      expect((JSON.parse(listed.stdout) as { chart: string }[]).map((r) => r.chart)).toEqual([`base-${FROM}`]);
      // A server-side dry run is admitted only after every validating webhook said yes (failurePolicy Fail).
      const policy = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'e2e-after-promote', namespace: CANARY_NS }, spec: {} };
      const write = await execa(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(policy), reject: false });
      expect(write.exitCode, write.stderr).toBe(0);
      expect(output).toMatch(re`istio-base's defaultRevision ${FROM_REV} -> ${TO_REV}`);
    });

    it(`Then the default revision tag was handed from istiod-${FROM_REV} to istiod-${TO_REV} before the stable releases went`, async () => {
      const mwc = JSON.parse((await kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-default', '-o', 'json'])).stdout) as Webhooks;
      expect(mwc.metadata.annotations?.['meta.helm.sh/release-name']).toBe(`istiod-${TO_REV}`);
      expect(mwc.metadata.labels?.['istio.io/rev']).toBe(TO_REV);
      expect(output).toMatch(re`default revision tag on istiod-${TO_REV} \(handed over from istiod-${FROM_REV} in two helm upgrades\)`);
      expect(output.indexOf('revisionTags=[]')).toBeLessThan(output.indexOf(`helm uninstall ztunnel-${FROM_REV}`));
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

    it('Then every answer of the canary came through the canary ztunnel, and every stable one through the stable ztunnel: no sidecar served any', () => {
      const served = Object.entries(traffic.servedBy);
      expect(served.filter(([who]) => who.startsWith(`${CANARY_NS} `)).length, JSON.stringify(traffic.servedBy)).toBeGreaterThan(0);
      for (const [who, count] of served) {
        const [ns] = who.split(' ');
        const expected = ns === CANARY_NS ? `ztunnel-${TO_REV}` : `ztunnel-${FROM_REV}`;
        expect(who, `${count} answer(s)`).toBe(`${ns} ${expected}`);
      }
    });

    it('Then the canary namespace and its pods carry no istio.io/rev, and no pod of it has a sidecar', async () => {
      const ns = await core.readNamespace({ name: CANARY_NS });
      expect(ns.metadata?.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient' });
      expect(ns.metadata?.labels).not.toHaveProperty(['istio.io/rev']);
      const pods = (await core.listNamespacedPod({ namespace: CANARY_NS })).items;
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) {
        const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
        expect(containers, pod.metadata?.name).not.toContain('istio-proxy');
        expect(pod.metadata?.annotations ?? {}, pod.metadata?.name).not.toHaveProperty(['sidecar.istio.io/status']);
        expect(pod.metadata?.labels ?? {}, pod.metadata?.name).not.toHaveProperty(['istio.io/rev']);
      }
    });
  });
});
