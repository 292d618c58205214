import { describe, expect, it } from 'vitest';
import { ExitCode, ManualStepError } from '../../../src/domain/errors.js';
import { promoteRun, step } from '../../../src/orchestrator/advance.js';
import type { Reporter, RunContext } from '../../../src/orchestrator/context.js';
import { finishPromote } from '../../../src/orchestrator/promote-tail.js';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { meshEndState, runUpgrade, setup, storedRun } from './harness.js';

/** A run judged at 100%, not yet promoted (`--until 50`, then `canary step`). */
async function atHundred(cluster: FakeCluster): Promise<void> {
  expect((await runUpgrade(cluster, setup({ 'steps.until': 50 }))).kind).toBe('paused');
  const run = setup();
  const options = { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan), signal: run.controller.signal, progress: 'silent' as const };
  expect((await step(options, storedRun(cluster), 100)).weight).toBe(100);
}

function promote(cluster: FakeCluster) {
  const run = setup();
  return promoteRun({ config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan), signal: run.controller.signal, progress: 'silent' }, storedRun(cluster));
}

/** Promote's tail alone, with what it says. */
async function tail(cluster: FakeCluster): Promise<string[]> {
  const run = setup();
  const lines: string[] = [];
  const report: Reporter = { say: (l) => void lines.push(l), retitle: () => undefined };
  const ctx: RunContext = { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan), signal: run.controller.signal, stored: storedRun(cluster), facts: undefined, gatewayUrl: undefined };
  await finishPromote(ctx, report);
  return lines;
}

const PATCH = `kubectl patch validatingwebhookconfiguration istiod-default-validator --type json -p '[{"op":"add","path":"/metadata/labels/istio.io~1rev","value":"1-30-3"},{"op":"add","path":"/webhooks/0/clientConfig/service/name","value":"istiod-1-30-3"}]'`;

describe('promote\'s tail says what it does', () => {
  it('each command as it runs, then what it did', async () => {
    const cluster = stableCluster();
    await atHundred(cluster);
    const lines = await tail(cluster);
    expect(lines).toEqual([
      'helm upgrade istio-base base --repo https://blob.istio.io/istio-release/charts --version 1.29.6 --reuse-values --set-string defaultRevision=1-30-3 --namespace istio-system --wait --timeout 5m',
      "istio-base's defaultRevision 1-29-6 -> 1-30-3: istiod-default-validator validates through istiod-1-30-3 (Helm release istio-system/istio-base, chart 1.29.6)",
      "helm upgrade istiod-1-29-6 istiod --repo https://blob.istio.io/istio-release/charts --version 1.29.6 --reuse-values --set-json 'revisionTags=[]' --namespace istio-system --wait --timeout 5m",
      expect.stringMatching(/^helm upgrade --install istiod-1-30-3 istiod .*--set 'revisionTags=\{default\}'$/),
      'default revision tag on istiod-1-30-3 (handed over from istiod-1-29-6 in two helm upgrades)',
      'helm uninstall ztunnel-1-29-6 --namespace istio-system --wait --timeout 5m',
      'helm uninstall istiod-1-29-6 --namespace istio-system --wait --timeout 5m',
    ]);
  });

  it('a stable istiod it did not install keeps the tag and the validator, each with the command for later', async () => {
    const cluster = stableCluster({ stableOwned: false });
    await atHundred(cluster);
    const lines = await tail(cluster);
    expect(lines[0]).toMatch(/^istiod-default-validator left validating through 1-29-6, whose istiod stays; before you remove istiod-1-29-6, run: helm upgrade istio-base base .*--version '<installed version>' --reuse-values --set-string defaultRevision=1-30-3/);
    expect(lines.at(-1)).toMatch(/^default revision tag not moved: istiod-1-29-6 may still own it; after removing it run: helm upgrade --install istiod-1-30-3/);
    expect(cluster.base?.defaultRevision).toBe('1-29-6');
    expect(cluster.defaultTagHolder()).toBe('istiod-1-29-6');
  });

  it('no istio-base at all: nothing to move, the rest as usual', async () => {
    const cluster = stableCluster({ base: 'none' });
    await atHundred(cluster);
    expect((await promote(cluster)).outcome).toBe('promoted');
    expect(cluster.journal.filter((l) => l.includes('istio-base'))).toEqual([]);
    expect(cluster.defaultTagHolder()).toBe('istiod-1-30-3');
  });
});

describe('promote stops before the stable istiod goes when istio-base cannot be moved, and continues once it is', () => {
  it('a validator no Helm release owns: exit 1, the kubectl patch to run, nothing of the tail done; then `canary promote` converges', async () => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());
    const cluster = stableCluster({ base: 'kubectl' });
    await atHundred(cluster);

    const error = await promote(cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManualStepError);
    expect((error as ManualStepError).exitCode).toBe(ExitCode.infrastructure);
    expect((error as ManualStepError).message).toMatch(/istiod-default-validator validates every Istio config write through istiod-1-29-6, which promote is about to remove, and no Helm release owns it/);
    expect((error as ManualStepError).command).toBe(PATCH);
    expect((error as ManualStepError).fix).toBe(`run \`${PATCH}\`, then \`canary promote\``);
    expect([...cluster.releases.keys()].sort()).toEqual(['istiod-1-29-6', 'istiod-1-30-3', 'ztunnel-1-29-6', 'ztunnel-1-30-3']);
    expect(cluster.defaultTagHolder()).toBe('istiod-1-29-6');
    expect(storedRun(cluster).record).toMatchObject({ outcome: 'running', reason: expect.stringMatching(/^stopped: istiod-default-validator/) });

    (cluster.base as NonNullable<FakeCluster['base']>).defaultRevision = '1-30-3'; // the user ran the patch
    expect((await promote(cluster)).outcome).toBe('promoted');
    expect(meshEndState(cluster)).toEqual(meshEndState(reference));
  });

  it('an istio-base left pending by someone else\'s helm: the rollback to run', async () => {
    const cluster = stableCluster();
    await atHundred(cluster);
    (cluster.base as NonNullable<FakeCluster['base']>).status = 'pending-upgrade';
    const error = await promote(cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManualStepError);
    expect((error as ManualStepError).message).toMatch(/Helm release istio-system\/istio-base is pending-upgrade/);
    expect((error as ManualStepError).command).toBe('helm rollback istio-base --namespace istio-system --wait --timeout 5m');
    expect(cluster.releases.has('istiod-1-29-6')).toBe(true);
  });

  it('its own helm upgrade of istio-base killed mid-way (validator already moved, release pending): rolled back to the noted revision, upgraded again, converged', async () => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());
    const cluster = stableCluster();
    await atHundred(cluster);
    const original = cluster.helm.bind(cluster);
    cluster.helm = (inv) => {
      if (inv.release !== 'istio-base' || !inv.mutates) return original(inv);
      // helm applied the objects, then the process group was killed before it recorded the release.
      Object.assign(cluster.base as object, { status: 'pending-upgrade', revision: 2, defaultRevision: '1-30-3' });
      throw new Error('killed');
    };
    await promote(cluster).catch(() => undefined);
    expect(storedRun(cluster).record.baseUpgrade).toEqual({ release: 'istio-base', namespace: 'istio-system', revision: 1 });
    cluster.helm = original;
    cluster.rolledBackTo = '1-29-6';
    cluster.lease = undefined;
    expect((await promote(cluster)).outcome).toBe('promoted');
    expect(cluster.journal.filter((l) => l.includes('istio-base'))).toEqual(['helm rollback istio-base 1', 'helm upgrade istio-base defaultRevision=1-30-3']);
    expect(cluster.base).toMatchObject({ status: 'deployed', defaultRevision: '1-30-3', revision: 4 });
    expect(meshEndState(cluster)).toEqual(meshEndState(reference));
  });

  it('helm failing on istio-base: the exact upgrade to run by hand', async () => {
    const cluster = stableCluster();
    await atHundred(cluster);
    const original = cluster.helm.bind(cluster);
    cluster.helm = (inv) => {
      if (inv.release === 'istio-base' && inv.mutates) throw new Error('helm failed (exit 1): Error: UPGRADE FAILED: timed out waiting for the condition');
      return original(inv);
    };
    const error = await promote(cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManualStepError);
    expect((error as ManualStepError).message).toMatch(/helm failed: helm failed \(exit 1\): Error: UPGRADE FAILED: timed out/);
    expect((error as ManualStepError).command).toBe('helm upgrade istio-base base --repo https://blob.istio.io/istio-release/charts --version 1.29.6 --reuse-values --set-string defaultRevision=1-30-3 --namespace istio-system --wait --timeout 5m');
    expect(cluster.defaultTagHolder()).toBe('istiod-1-29-6');
    cluster.helm = original;
    expect((await promote(cluster)).outcome).toBe('promoted');
    expect(cluster.base?.defaultRevision).toBe('1-30-3');
  });
});
