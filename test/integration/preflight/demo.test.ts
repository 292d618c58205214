// `canary doctor` on the demo's stable mesh, exactly as the demo runs it — when that state is
// there. The lead's e2e tests create and reset it (test/cluster/demo/stable-mesh.sh, which this
// test never runs); the demo lock keeps them from changing it while doctor reads it.
import { describe, expect, it } from 'vitest';
import { lockDemoState } from '../../support/demo-state.js';
import { FROM, FROM_REV, TO, TO_REV } from '../../support/demo-versions.js';
import { kube } from '../kube/support.js';
import { canary, checkOf, type DoctorJson } from './support.js';

const { client } = kube();

/** The stable state of stable-mesh.sh: FROM installed, no canary of TO left behind (test/cluster/demo/versions.env). */
async function demoIsStable(): Promise<string | undefined> {
  const secrets = await client.core.listNamespacedSecret({ namespace: 'istio-system', labelSelector: 'owner=helm' });
  const releases = new Set(secrets.items.map((s) => s.metadata?.labels?.['name']));
  if (!releases.has(`istiod-${FROM_REV}`) || !releases.has(`ztunnel-${FROM_REV}`)) return `istiod-${FROM_REV} and ztunnel-${FROM_REV} are not both installed`;
  if (releases.has(`istiod-${TO_REV}`) || releases.has(`ztunnel-${TO_REV}`)) return `a ${TO} canary is installed`;
  const namespaces = new Set((await client.core.listNamespace()).items.map((n) => n.metadata?.name));
  if (!namespaces.has(`bookinfo-${FROM_REV}`) || namespaces.has(`bookinfo-${TO_REV}`)) return `bookinfo-${FROM_REV} is missing or bookinfo-${TO_REV} is there`;
  return undefined;
}

describe('canary doctor on the demo’s stable mesh', () => {
  it('passes with the demo’s settings (skipped when the demo is not in its stable state)', async (ctx) => {
    const unlock = await lockDemoState(120_000).catch(() => undefined);
    if (!unlock) return ctx.skip('the demo state stayed in use by another test process');
    try {
      const why = await demoIsStable();
      if (why) return ctx.skip(`the demo is not in its stable state: ${why}`);
      const ran = await canary(['doctor', '--config', 'test/cluster/demo/canary.yaml', '--from', FROM, '--to', TO, '--stable-probe', '1s', '-o', 'json']);
      const report = JSON.parse(ran.stdout) as DoctorJson;
      expect(report.checks.filter((c) => c.status === 'fail'), ran.stdout).toEqual([]);
      expect(report.ok).toBe(true);
      expect(ran.code).toBe(0);
      expect(checkOf(report, 'stable-ztunnel').status).toBe('pass');
      expect(checkOf(report, 'canary-nodes').message).toMatch(/canary node\(s\): kwok-node-\d/);
    } finally {
      unlock();
    }
  });
});
