import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, STABLE_RULES, TO_REV, eventually, namespaceExists, nodeRevisions, nodeTaints, releases, route, routeAtCanaryWeight } from './support.js';
import { canaryProcess, signalGroup, upgradeArgs } from './reliability-support.js';

/**
 * Issue 9, signals, sent as a terminal or a CI runner sends them: to the CLI's whole process
 * group (the CLI and any helm it runs). SIGTERM reverts like SIGINT (exit 130, README), and
 * further signals while the revert runs — even during its `helm uninstall` — do not stop it.
 */
let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 300_000);

const STABLE_RELEASES = ['istio-base', 'istio-cni', `istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`];

/** Everything the canary added is gone: route as it was, namespace, releases, node labels and taints. */
async function expectFullyReverted(output: string): Promise<void> {
  expect((await route()).spec.rules, output).toEqual(STABLE_RULES);
  expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
  expect(await releases()).toEqual(STABLE_RELEASES);
  expect(Object.values(await nodeRevisions())).toEqual([FROM_REV, FROM_REV, undefined]);
  expect(await nodeTaints()).toEqual([]);
}

describe('Given an upgrade baking its 10% step', () => {
  it('When its process group gets SIGTERM, Then it reverts everything and exits 130, as for SIGINT', async () => {
    const run = canaryProcess(upgradeArgs('30s'));
    await routeAtCanaryWeight(10);
    signalGroup(run, 'SIGTERM');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.stderr).toMatch(/Interrupted: reverting traffic to the stable revision first/);
    await expectFullyReverted(r.all ?? '');
  }, 300_000);

  it('When it gets SIGINT twice, 200 ms apart, Then the second does not interrupt the revert: 100% stable, canary removed, exit 130', async () => {
    const run = canaryProcess(upgradeArgs('30s'));
    await routeAtCanaryWeight(10);
    signalGroup(run, 'SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    signalGroup(run, 'SIGINT');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.stderr).toMatch(/The revert is still running; it will finish on its own/);
    await expectFullyReverted(r.all ?? '');
  }, 300_000);

  it('When SIGINT comes again while the revert runs `helm uninstall`, Then helm is not killed and the revert finishes', async () => {
    const run = canaryProcess(upgradeArgs('30s'));
    let output = '';
    run.all?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    await routeAtCanaryWeight(10);
    signalGroup(run, 'SIGTERM');
    await eventually('the revert to start helm uninstall', async () => (/helm uninstall/.test(output) ? true : undefined), 120_000, 20);
    signalGroup(run, 'SIGINT');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.all).not.toMatch(/the revert did not finish/);
    await expectFullyReverted(r.all ?? '');
  }, 300_000);
});
