import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, STABLE_RULES, TO_REV, backends, canary, eventually, namespaceExists, nodeRevisions, releases, route, routeAtCanaryWeight, upgradeArgs } from './support.js';

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 120_000);

describe('Given an upgrade baking its 10% step', () => {
  it('When it gets SIGINT, Then it reverts traffic first and exits 130', async () => {
    const run = canary(upgradeArgs('--bake', '30s'));
    await routeAtCanaryWeight(10);
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.stderr).toMatch(/Interrupted: reverting traffic to the stable revision first/);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
    const status = JSON.parse((await canary(['status', '-o', 'json'])).stdout) as { outcome: string };
    expect(status.outcome).toBe('interrupted');
  });

  it('When it gets SIGTERM, Then it behaves as for SIGINT', async () => {
    const run = canary(upgradeArgs('--bake', '30s'));
    await routeAtCanaryWeight(10);
    run.kill('SIGTERM');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
  });
});

describe('Given an upgrade killed with SIGKILL while baking its 50% step', () => {
  it('When `canary upgrade` runs again with the same arguments, Then it continues to the same end state: promoted', async () => {
    const run = canary(upgradeArgs('--bake', '30s'));
    await routeAtCanaryWeight(50);
    run.kill('SIGKILL');
    await run;
    // Traffic stays where the dead process left it; nothing half-written.
    expect(backends(await route())[0]).toEqual([[`bookinfo-${FROM_REV}`, 50], [`bookinfo-${TO_REV}`, 50]]);
    // The dead run's lease expires (30 s); until then a second run is refused with exit 4.
    const second = await eventually('the dead run\'s lock to expire', async () => {
      const r = await canary(upgradeArgs());
      return r.exitCode === 4 ? undefined : r;
    }, 90_000, 1000);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.all).toMatch(/done in an earlier run/);
    expect(backends(await route())).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
    expect(await releases()).toEqual(['istio-base', 'istio-cni', `istiod-${TO_REV}`, `ztunnel-${TO_REV}`]);
    expect(Object.values(await nodeRevisions())).toEqual([TO_REV, TO_REV, TO_REV]);
  });
});
