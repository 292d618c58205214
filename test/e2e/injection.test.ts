import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditMark, auditSince, describeEvent, fromProduct, isMutating, settleAudit } from '../support/audit-log.js';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { re } from '../support/literal-regexp.js';
import { FROM_REV, STABLE_NS, STABLE_RULES, TO_REV, apps, canary, core, eventually, namespaceExists, nodeRevisions, nodeTaints, releases, route, upgradeArgs } from './support.js';

/**
 * Issue 12: a canary copy that a sidecar injector would select never runs. The stable
 * Deployment `details` opts into injection with `sidecar.istio.io/inject: "true"`, so the
 * `default` revision tag's object webhook (istio-revision-tag-default, rendered by the real
 * istiod chart with revisionTags={default}, answered live by the simulator as istiod would)
 * injects its pods; a copy would carry the label too and run sidecars instead of the canary
 * ztunnel. Preflight must refuse, name the webhook and the label, and change nothing.
 */
let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
}, 300_000);
afterAll(async () => {
  // The reset applies bookinfo.yaml, which leaves a label added by another field manager alone.
  await apps.patchNamespacedDeployment({ namespace: STABLE_NS, name: 'details', body: [{ op: 'remove', path: '/spec/template/metadata/labels/sidecar.istio.io~1inject' }] }).catch(() => undefined);
  await resetDemoState();
  unlock?.();
}, 300_000);

async function optDetailsIntoInjection(): Promise<void> {
  const body = [{ op: 'add', path: '/spec/template/metadata/labels/sidecar.istio.io~1inject', value: 'true' }];
  await apps.patchNamespacedDeployment({ namespace: STABLE_NS, name: 'details', body });
}

async function detailsPods() {
  return (await core.listNamespacedPod({ namespace: STABLE_NS, labelSelector: 'app=details' })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

describe('Given a stable Deployment whose pods opt into sidecar injection (sidecar.istio.io/inject=true)', () => {
  beforeAll(async () => {
    await optDetailsIntoInjection();
    await eventually('the details pods re-created with a sidecar', async () => {
      const pods = await detailsPods();
      const injected = pods.filter((p) => p.metadata?.annotations?.['sidecar.istio.io/status'] && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return pods.length === 2 && injected.length === 2 ? true : undefined;
    });
  }, 180_000);

  it('Then the live injector gave the stable pods an istio-proxy of the stable revision, and they are served by it, not by a ztunnel', async () => {
    for (const pod of await detailsPods()) {
      expect(pod.spec?.containers.map((c) => c.name)).toContain('istio-proxy');
      expect(JSON.parse(pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}')).toMatchObject({ revision: FROM_REV });
    }
    const answer = await eventually('an answer from details', async () => {
      const r = await fetch(`${inject('gatewayUrl')}/details`);
      return r.status === 200 ? r : undefined;
    });
    expect(answer.headers.get('x-sim-served-by')).toBe(`sidecar-${FROM_REV}`);
  });

  describe('When `canary upgrade` runs', () => {
    let result: { exitCode: number; stdout: string; stderr: string };
    let mark: number;
    let before: { nodes: Record<string, string | undefined>; releases: string[] };

    beforeAll(async () => {
      before = { nodes: await nodeRevisions(), releases: await releases() };
      mark = auditMark(inject('auditLog'));
      const r = await canary(upgradeArgs());
      result = { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    }, 300_000);

    it('Then preflight refuses it (exit 2), naming the webhook, the Deployment and the label to remove', () => {
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        re`preflight/canary-injection: .*pods of Deployment ${STABLE_NS}/details carry sidecar.istio.io/inject=true, selected by istio-revision-tag-default/object.sidecar-injector.istio.io`,
      );
      expect(result.stderr).toMatch(/remove the label from the Deployment's pod template/);
    });

    it('Then it says the stable pods with a sidecar are not covered by this upgrade', () => {
      expect(`${result.stdout}\n${result.stderr}`).toMatch(re`${STABLE_NS} have a sidecar \(injected by revision ${FROM_REV}\), so they are not in ambient: this upgrade does not cover them`);
    });

    it('Then nothing was changed: no canary namespace or release, nodes and route as they were, no write in the audit log', async () => {
      expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
      expect(await releases()).toEqual(before.releases);
      expect(await nodeRevisions()).toEqual(before.nodes);
      expect(await nodeTaints()).toEqual([]);
      expect((await route()).spec.rules).toEqual(STABLE_RULES);
      await settleAudit();
      const writes = auditSince(inject('auditLog'), mark).filter((e) => fromProduct(e) && isMutating(e));
      expect(writes.map(describeEvent)).toEqual([]);
    });
  });
});
