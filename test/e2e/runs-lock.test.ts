import { hostname } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, STABLE_RULES, namespaceExists, releases, route, routeAtCanaryWeight } from './support.js';
import { CANARY_NS, killGroup, kubectl, routeCanaryWeight, run, start, status, upgrade } from './runs-support.js';

let unlock: () => void;
// The demo state may be in use by another test process: lockDemoState waits up to 20 minutes.
beforeAll(async () => {
  unlock = await lockDemoState();
}, 1_500_000);
afterAll(() => unlock?.());
beforeEach(resetDemoState, 180_000);

const STABLE_RELEASES = ['istio-base', 'istio-cni', `istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`];

async function expectStable(): Promise<void> {
  expect((await route()).spec.rules).toEqual(STABLE_RULES);
  expect(await namespaceExists(CANARY_NS)).toBe(false);
  expect(await releases()).toEqual(STABLE_RELEASES);
}

describe('Given two `canary upgrade` processes started at the same moment', () => {
  it('Then exactly one proceeds, and the other exits 4 naming the holder and since when', async () => {
    const a = start(upgrade('--until', '10'));
    const b = start(upgrade('--until', '10'));
    const [ra, rb] = await Promise.all([a, b]);
    const results = [
      { pid: a.pid, r: ra },
      { pid: b.pid, r: rb },
    ];
    expect(results.map((x) => x.r.exitCode).sort(), `${ra.all}\n----\n${rb.all}`).toEqual([0, 4]);
    const winner = results.find((x) => x.r.exitCode === 0);
    const loser = results.find((x) => x.r.exitCode === 4);
    expect(loser?.r.stderr).toMatch(new RegExp(`another run holds the lock: ${hostname()}/pid-${winner?.pid} \\(since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`));
    expect(loser?.r.stderr).toMatch(/object: Lease istio-system\/ambient-canary/);
    // The loser changed nothing: the winner's run is paused at 10% and its record is the only one.
    expect(await routeCanaryWeight()).toBe(10);
    const s = await status();
    expect(s.outcome).toBe('running');
    expect(s.weight).toBe(10);
    expect(s.events.every((e) => e.by === undefined || e.by.endsWith(`/pid-${winner?.pid}`))).toBe(true);
  });
});

describe('Given a run baking its 10% step', () => {
  it('When `canary abort --force-unlock` runs beside it, Then it says what it takes, reverts, and the first run stops without fighting it', async () => {
    const first = start(upgrade('--bake', '30s'));
    await routeAtCanaryWeight(10);
    // Without --force-unlock, `step` (and `abort`) are refused with exit 4, naming the holder.
    const step = await run(['step']);
    expect(step.exitCode, step.all).toBe(4);
    expect(step.stderr).toMatch(new RegExp(`another run holds the lock: ${hostname()}/pid-${first.pid}`));
    expect(step.stderr).toMatch(/or take it now with --force-unlock/);
    const abort = await run(['abort', '--force-unlock']);
    expect(abort.exitCode, abort.all).toBe(0);
    expect(abort.stderr).toMatch(new RegExp(`--force-unlock took the lease from ${hostname()}/pid-${first.pid} \\(held since [^)]+\\)`));
    expect(abort.stderr).toMatch(/may make one more change before its next renewal/);
    const r = await first;
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toMatch(/the run lock is held by \S+ now \(taken with --force-unlock, or after this run missed its renewals\); this process stopped and reverted nothing/);
    await expectStable();
    const s = await status();
    expect(s.outcome).toBe('reverted');
    expect(s.reason).toBe('aborted by `canary abort`');
  });

  it('When its process is SIGKILLed, Then `canary abort` on the same host takes the dead holder\'s lease at once and converges', async () => {
    const first = start(upgrade('--bake', '30s'));
    await routeAtCanaryWeight(10);
    killGroup(first);
    await first;
    const lease = await kubectl(['get', 'lease', '-n', 'istio-system', 'ambient-canary', '-o', 'jsonpath={.spec.holderIdentity}']);
    expect(lease.stdout).toBe(`${hostname()}/pid-${first.pid}`);
    const started = Date.now();
    const abort = await run(['abort']);
    expect(abort.exitCode, abort.all).toBe(0);
    expect(abort.stderr).toMatch(new RegExp(`${hostname()}/pid-${first.pid} no longer runs on this host; took over its lease`));
    // Well within the 30 s the dead run's lease would still have held it.
    expect(Date.now() - started).toBeLessThan(30_000);
    await expectStable();
  });
});
