import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import type { HelmInvocation } from '../../../src/domain/helm-invocation.js';
import type { ReleaseObject } from '../../../src/kube/ports.js';
import type { Reporter, RunContext } from '../../../src/orchestrator/context.js';
import { runRelease } from '../../../src/orchestrator/helm-release.js';
import { dropRevisionTags } from '../../../src/plan/helm-commands.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import type { StoredRun } from '../../../src/state/ports.js';
import { setup } from './harness.js';

const RELEASE = 'istiod-1-29-6';
const object = (apiVersion: string, kind: string, name: string) => `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;
const INJECTOR = object('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', `istio-sidecar-injector-1-29-6`);
const TAG = object('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'istio-revision-tag-default');
const TAG_SERVICE = object('v1', 'Service', 'istiod-revision-tag-default');

interface World {
  status: string;
  revision: number;
  /** The manifest of each revision, as `helm get manifest --revision` prints it. */
  manifests: Record<number, string>;
  /** What deleteReleaseObject finds for an object, by name (default: 'deleted'). */
  found?: Record<string, 'deleted' | 'absent' | 'not-owned'>;
}

/** runRelease of the stable istiod's tag drop, its release as `world` says; what ran, in order, and what it said. */
async function dropTags(world: World): Promise<{ ran: string[]; said: string[] }> {
  const run = setup();
  const cluster = stableCluster();
  const ports = fakePorts(cluster, run.plan);
  const ran: string[] = [];
  const said: string[] = [];
  const helm = async (inv: HelmInvocation) => {
    const [verb, sub] = inv.args;
    if (verb === 'list') return JSON.stringify([{ name: RELEASE, namespace: 'istio-system', revision: String(world.revision), status: world.status, chart: 'istiod-1.29.6' }]);
    if (verb === 'get' && sub === 'manifest') return world.manifests[Number(inv.args[inv.args.indexOf('--revision') + 1])] ?? '';
    ran.push(inv.args.slice(0, 3).join(' '));
    return '';
  };
  const deleteReleaseObject = async (o: ReleaseObject, release: { name: string; namespace: string }) => {
    ran.push(`delete ${o.kind} ${o.namespace}/${o.name} of ${release.namespace}/${release.name}`);
    return world.found?.[o.name] ?? 'deleted';
  };
  const inspect: typeof ports.reader.inspect = async (...args) => {
    const facts = await ports.reader.inspect(...args);
    return { ...facts, releases: facts.releases.map((r) => (r.name === RELEASE ? { ...r, status: world.status } : r)) };
  };
  const ctx: RunContext = {
    config: run.config,
    plan: run.plan,
    ports: { ...ports, reader: { ...ports.reader, inspect }, helm: { ...ports.helm, run: async (inv) => ({ stdout: await helm(inv), stderr: '', durationMs: 1 }) }, workloads: { ...ports.workloads, deleteReleaseObject } },
    signal: run.controller.signal,
    // runRelease reads no run record.
    stored: { record: {}, version: '0' } as unknown as StoredRun,
    facts: undefined,
    gatewayUrl: undefined,
  };
  const report: Reporter = { say: (l) => void said.push(l), retitle: () => undefined };
  await runRelease(ctx, dropRevisionTags(run.config, '1.29.6'), report);
  return { ran, said };
}

describe('runRelease: a release of ours left pending-upgrade by a helm killed mid-way', () => {
  it('what the killed upgrade had still to delete goes first, in the release namespace, then helm rolls back to the revision before, then the upgrade runs again', async () => {
    const { ran, said } = await dropTags({ status: 'pending-upgrade', revision: 3, manifests: { 2: INJECTOR + TAG + TAG_SERVICE, 3: INJECTOR } });
    expect(ran).toEqual([
      'delete MutatingWebhookConfiguration istio-system/istio-revision-tag-default of istio-system/istiod-1-29-6',
      'delete Service istio-system/istiod-revision-tag-default of istio-system/istiod-1-29-6',
      `rollback ${RELEASE} 2`,
      `upgrade ${RELEASE} istiod`,
    ]);
    expect(said[0]).toMatch(/^Helm release istiod-1-29-6 was left pending-upgrade by a process that stopped; rolling it back first: helm rollback istiod-1-29-6 2 --namespace istio-system --wait --timeout 5m$/);
    expect(said[1]).toBe('deleted MutatingWebhookConfiguration istio-revision-tag-default: revision 3 of istiod-1-29-6 no longer renders it, and its helm stopped before deleting it');
  });

  it('nothing is deleted when the pending revision renders everything the good one did (only the rollback)', async () => {
    const { ran } = await dropTags({ status: 'pending-upgrade', revision: 5, manifests: { 4: INJECTOR, 5: INJECTOR + TAG } });
    expect(ran).toEqual([`rollback ${RELEASE} 4`, `upgrade ${RELEASE} istiod`]);
  });

  it('an object already gone is not mentioned; one that another owner took is left, and said so', async () => {
    const { ran, said } = await dropTags({
      status: 'pending-upgrade',
      revision: 3,
      manifests: { 2: INJECTOR + TAG + TAG_SERVICE, 3: INJECTOR },
      found: { 'istio-revision-tag-default': 'absent', 'istiod-revision-tag-default': 'not-owned' },
    });
    expect(ran.slice(-2)).toEqual([`rollback ${RELEASE} 2`, `upgrade ${RELEASE} istiod`]);
    expect(said.filter((l) => /^(deleted|left) /.test(l))).toEqual([
      "left Service istiod-revision-tag-default: revision 2 of istiod-1-29-6 rendered it, but it no longer carries that release's ownership annotations",
    ]);
  });

  it('a pending install is uninstalled: no manifest is compared, nothing deleted by hand', async () => {
    const { ran } = await dropTags({ status: 'pending-install', revision: 1, manifests: {} });
    expect(ran).toEqual([`uninstall ${RELEASE} --namespace`, `upgrade ${RELEASE} istiod`]);
  });

  it('pending with no revision before it to roll back to: a typed error, nothing changed', async () => {
    const error = await dropTags({ status: 'pending-upgrade', revision: 1, manifests: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).message).toMatch(/was left pending-upgrade by a process that stopped, but helm lists no revision before it to roll back to/);
    expect((error as InfraError).fix).toMatch(/helm history istiod-1-29-6 --namespace istio-system/);
  });

  it('a release that is not pending is upgraded as it is', async () => {
    const { ran } = await dropTags({ status: 'deployed', revision: 3, manifests: { 2: INJECTOR + TAG, 3: INJECTOR } });
    expect(ran).toEqual([`upgrade ${RELEASE} istiod`]);
  });
});
