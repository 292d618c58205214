import { describe, expect, it } from 'vitest';
import { AbortedError, InputError, InterruptedError, LockedError } from '../../../src/domain/errors.js';
import { verdict } from '../../../src/domain/verdict.js';
import { stableCluster, userRoute } from '../../support/scenario.js';
import { indexOf, runUpgrade, setup } from './harness.js';

describe('canary upgrade on a healthy canary', () => {
  it('runs the phases in the documented order and promotes', async () => {
    const cluster = stableCluster();
    const result = await runUpgrade(cluster, setup());
    expect(result.kind).toBe('promoted');
    const order = [
      /^taint node-3 istio.io\/rev=1-30-3$/,
      /^drain node-3$/,
      /^label node-3 istio.io\/rev=1-30-3$/,
      /^helm upgrade istiod-1-30-3$/,
      /^helm upgrade ztunnel-1-30-3$/,
      /^apply Namespace \/bookinfo-1-30-3$/,
      /^clone bookinfo-1-29-6 -> bookinfo-1-30-3$/,
      /^route rules .*bookinfo-1-30-3=0.* \+header$/,
      /^route rules bookinfo-1-29-6=90,bookinfo-1-30-3=10/,
      /^route rules bookinfo-1-29-6=50,bookinfo-1-30-3=50/,
      /^route rules bookinfo-1-29-6=0,bookinfo-1-30-3=100/,
      /^route rules bookinfo-1-30-3=\d+,assets=1$|^route rules bookinfo-1-30-3=1,assets=1$|^route rules bookinfo-1-30-3/,
      /^gateway rev=1-30-3$/,
      /^delete namespace bookinfo-1-29-6$/,
      /^cordon node-1$/,
      /^helm upgrade istio-base defaultRevision=1-30-3$/,
      /^helm upgrade istiod-1-29-6 tag=none$/,
      /^helm upgrade istiod-1-30-3 tag=default$/,
      /^helm uninstall ztunnel-1-29-6$/,
      /^helm uninstall istiod-1-29-6$/,
    ];
    const positions = order.map((p) => indexOf(cluster.journal, p));
    expect(positions.every((p) => p >= 0), `missing: ${order.filter((_, i) => positions[i] === -1).join(' ')}\n${cluster.journal.join('\n')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('hands the default tag over in one helm upgrade: nothing else happens while no webhook injects for it', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup());
    // Uninstalling istiod-1-29-6 first would leave the tag without a webhook for the whole
    // uninstall (--wait waits out istiod's termination grace period): [['helm uninstall istiod-1-29-6']].
    expect(cluster.tagGaps).toEqual([['helm upgrade istiod-1-29-6 tag=none']]);
    expect(cluster.defaultTagHolder()).toBe('istiod-1-30-3');
    const j = cluster.journal;
    expect(j[indexOf(j, /^helm upgrade istiod-1-29-6 tag=none$/) + 1]).toBe('helm upgrade istiod-1-30-3 tag=default');
  });

  it('moves istio-base\'s defaultRevision to the new revision while the stable istiod still answers its validator', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup());
    expect(cluster.base).toMatchObject({ defaultRevision: '1-30-3', version: '1.29.6' });
    expect(indexOf(cluster.journal, /^helm upgrade istio-base/)).toBeLessThan(indexOf(cluster.journal, /^helm uninstall istiod-1-29-6$/));
    const events = cluster.records.get('1-29-6-to-1-30-3')?.record.events.map((e) => e.message) ?? [];
    expect(events).toContainEqual(expect.stringMatching(/^istio-base's defaultRevision 1-29-6 -> 1-30-3: istiod-default-validator validates through istiod-1-30-3/));
    expect(events).toContainEqual('default revision tag on istiod-1-30-3 (handed over from istiod-1-29-6 in two helm upgrades)');
  });

  it('leaves the mesh on the new revision and the route with one backend per rule', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup());
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-30-3', 'ztunnel-1-30-3']);
    expect([...cluster.nodes.values()].map((n) => n.labels['istio.io/rev'])).toEqual(['1-30-3', '1-30-3', '1-30-3']);
    expect([...cluster.nodes.values()].every((n) => n.taints.length === 0 && !n.unschedulable)).toBe(true);
    expect(cluster.namespaces.has('bookinfo-1-29-6')).toBe(false);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(true);
    const original = userRoute().spec.rules ?? [];
    expect(cluster.route.spec.rules).toEqual([{ ...original[0], backendRefs: [{ name: 'productpage', namespace: 'bookinfo-1-30-3', port: 9080 }] }, original[1]]);
    expect(cluster.route.spec.hostnames).toEqual(['bookinfo.example.com']);
    expect(cluster.gateway.metadata.labels?.['istio.io/rev']).toBe('1-30-3');
    expect(cluster.records.get('1-29-6-to-1-30-3')?.record.outcome).toBe('promoted');
    expect(cluster.lease).toBeUndefined();
  });

  it('says the run is already promoted when run again, and changes nothing', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup());
    const before = cluster.journal.length;
    const again = await runUpgrade(cluster, setup());
    expect(again.kind).toBe('already-promoted');
    expect(cluster.journal.length).toBe(before);
  });
});

describe('canary upgrade when the canary is bad', () => {
  const failAt = (bad: number) => (w: number) => (w === bad ? verdict('fail', [`${w}%: 12% errors`], { errorRate: 0.12 }) : verdict('pass', ['ok']));

  it('aborts with exit 3 and writes 100% stable before removing anything', async () => {
    const cluster = stableCluster();
    const error = await runUpgrade(cluster, setup(), { judge: failAt(50) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).exitCode).toBe(3);
    const j = cluster.journal;
    const back = indexOf(j.slice(indexOf(j, /=50,bookinfo-1-30-3=50/)), /^route rules bookinfo-1-29-6=100,bookinfo-1-30-3=0/);
    expect(back).toBeGreaterThan(0);
    const revertStart = indexOf(j, /=50,bookinfo-1-30-3=50/) + back;
    const firstRemoval = j.findIndex((line, i) => i > indexOf(j, /=50,bookinfo-1-30-3=50/) && /^(delete|helm uninstall|label|untaint)/.test(line));
    expect(revertStart).toBeLessThan(firstRemoval);
  });

  it('gives the user their route back exactly, and the nodes and releases as they were', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup(), { judge: failAt(10) }).catch(() => undefined);
    expect(cluster.route.spec).toEqual(userRoute().spec);
    expect(cluster.nodes.get('node-3')).toMatchObject({ labels: {}, taints: [] });
    expect(cluster.nodes.get('node-1')?.labels['istio.io/rev']).toBe('1-29-6');
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-29-6', 'ztunnel-1-29-6']);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(false);
    expect(cluster.records.get('1-29-6-to-1-30-3')?.record).toMatchObject({ outcome: 'aborted', weight: 0 });
  });

  it('aborts at the smoke test when canary requests fail, before any weight moves', async () => {
    const cluster = stableCluster();
    const error = await runUpgrade(cluster, setup(), { smokeFailures: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(String((error as Error).message)).toMatch(/smoke test failed: 3 of 20/);
    expect(indexOf(cluster.journal, /bookinfo-1-30-3=10/)).toBe(-1);
    expect(cluster.route.spec).toEqual(userRoute().spec);
  });

  it('an inconclusive step is not a pass', async () => {
    const cluster = stableCluster();
    const error = await runUpgrade(cluster, setup(), { judge: () => verdict('inconclusive', ['no canary traffic']) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(cluster.route.spec).toEqual(userRoute().spec);
  });

  it('with --keep-canary reverts traffic but keeps namespace, releases and node labels', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup({ keepCanary: true }), { judge: failAt(50) }).catch(() => undefined);
    expect(cluster.route.spec).toEqual(userRoute().spec);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(true);
    expect(cluster.releases.has('ztunnel-1-30-3')).toBe(true);
    expect(cluster.nodes.get('node-3')?.labels['istio.io/rev']).toBe('1-30-3');
  });

  it('Ctrl-C during a bake reverts and exits 130', async () => {
    const cluster = stableCluster();
    const run = setup();
    const error = await runUpgrade(cluster, run, { duringBake: (w) => w === 50 && run.controller.abort(new InterruptedError('SIGINT')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(cluster.route.spec).toEqual(userRoute().spec);
    expect(cluster.records.get('1-29-6-to-1-30-3')?.record.outcome).toBe('interrupted');
  });
});

describe('canary upgrade refuses before changing anything', () => {
  it('a from-revision that is not installed is bad input (exit 2), with no write at all', async () => {
    const cluster = stableCluster();
    const error = await runUpgrade(cluster, setup({ from: '1.28.4' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.message).join('\n')).toMatch(/revision 1-28-4 is not installed.*check --from \(installed revisions: 1-29-6\)/);
    expect(cluster.journal).toEqual([]);
  });

  it('a missing route is bad input naming the route and the flag', async () => {
    const cluster = stableCluster();
    const error = await runUpgrade(cluster, setup({ route: 'istio-ingress/nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toContainEqual({ path: 'preflight/route', message: expect.stringMatching(/HTTPRoute istio-ingress\/nope does not exist.*--route namespace\/name/) });
    expect(cluster.journal).toEqual([]);
  });

  it('an unpinned stable ztunnel fails and points to `canary prepare`', async () => {
    const cluster = stableCluster();
    cluster.releases.set('ztunnel-1-29-6', { owned: true, args: [] });
    const error = await runUpgrade(cluster, setup()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toContainEqual({ path: 'preflight/stable-ztunnel', message: expect.stringMatching(/runs on every node.*canary prepare --from 1\.29\.6/) });
    expect(cluster.journal).toEqual([]);
  });

  it('another run holding the lock gives LockedError (exit 4) naming it', async () => {
    const cluster = stableCluster();
    cluster.lease = { holder: 'ci-runner-7/pid-42', since: '2026-11-23T11:00:00Z' };
    const error = await runUpgrade(cluster, setup()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(/ci-runner-7\/pid-42.*2026-11-23T11:00:00Z/);
    expect(cluster.journal).toEqual([]);
  });
});
