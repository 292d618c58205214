import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM, FROM_REV, STABLE_RULES, TO_REV, annotateCanaryZtunnel, canary, namespaceExists, nodeRevisions, nodeTaints, releases, root, route, routeAtCanaryWeight, type CliResult, upgradeArgs } from './support.js';

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 120_000);

const STABLE_RELEASES = ['istio-base', 'istio-cni', `istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`];

async function expectStableAndCanaryGone(): Promise<void> {
  expect((await route()).spec.rules).toEqual(STABLE_RULES);
  expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
  expect(await releases()).toEqual(STABLE_RELEASES);
  expect(await nodeRevisions()).toEqual({ 'kwok-node-0': FROM_REV, 'kwok-node-1': FROM_REV, 'kwok-node-2': undefined });
  expect(await nodeTaints()).toEqual([]);
}

function result(r: { exitCode?: number; stdout: string; stderr: string }): CliResult {
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('Given a canary release that fails from the start', () => {
  it('When upgraded, Then it aborts at the smoke test with exit 3, the route is the user\'s again and the canary is gone', async () => {
    const r = result(await canary(upgradeArgs('--values-dir', `${root}test/cluster/demo/faulty`)));
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/smoke test failed: \d+ of 20 requests to the canary failed \(\d+ × HTTP 503\)/);
    await expectStableAndCanaryGone();
  });

  it('When upgraded with --keep-canary, Then traffic is reverted but the canary is kept; `canary abort` then removes it', async () => {
    const r = result(await canary(upgradeArgs('--values-dir', `${root}test/cluster/demo/faulty`, '--keep-canary')));
    expect(r.exitCode, r.stderr).toBe(3);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(true);
    expect(await releases()).toEqual([...STABLE_RELEASES, `istiod-${TO_REV}`, `ztunnel-${TO_REV}`].sort());
    const abort = result(await canary(['abort']));
    expect(abort.exitCode, abort.stderr).toBe(0);
    await expectStableAndCanaryGone();
  });
});

describe('Given a canary release that starts failing only during the 50% step', () => {
  it(`When upgraded, Then it passes 10%, aborts at 50% with exit 3, and everything is back on ${FROM}`, async () => {
    const run = canary(upgradeArgs('--bake', '8s'));
    await routeAtCanaryWeight(50);
    await annotateCanaryZtunnel({ 'sim.ambient-canary.dev/error-rate': '0.3' });
    const r = result(await run);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/weight 50%/);
    const status = JSON.parse((await canary(['status', '-o', 'json'])).stdout) as { outcome: string; steps: { weight: number; verdict?: { kind: string } }[] };
    expect(status.outcome).toBe('aborted');
    expect(status.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'pass'], [50, 'fail']]);
    await expectStableAndCanaryGone();
  });
});

describe('Given a canary release that is only slower', () => {
  it('When upgraded, Then the latency regression aborts it with exit 3', async () => {
    const r = result(await canary(upgradeArgs('--values-dir', `${root}test/cluster/demo/slow`)));
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/p99|latency/i);
    await expectStableAndCanaryGone();
  });
});
