import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { CANARY_NS, FROM_REV, STABLE_NS, STABLE_RULES, annotateCanaryZtunnel, annotateZtunnel, backends, canary, namespaceExists, route, routeAtCanaryWeight, upgradeArgs } from './support.js';

/**
 * The mesh policy's third outcome: an application that fails on both revisions alike is not
 * a canary breach. Faults are staged on both ztunnels at run time (the canary's once its step
 * began: the smoke test must pass), so every request through the mesh fails 3% of the time.
 */
const ERROR_RATE = { 'sim.ambient-canary.dev/error-rate': '0.03' };
const CLEAR = { 'sim.ambient-canary.dev/error-rate': '-' };

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 120_000);
afterEach(() => annotateZtunnel(FROM_REV, CLEAR));

interface Status {
  outcome: string;
  weight: number;
  steps: { weight: number; verdict?: { kind: string; reasons: string[] } }[];
}

const status = async (): Promise<Status> => JSON.parse((await canary(['status', '-o', 'json'])).stdout) as Status;

describe('Given an application that fails 3% of requests on both revisions', () => {
  it('When upgraded, Then the 10% step is held with exit 5 naming both rates, traffic stays at 90/10; `canary step` goes on; `canary abort` reverts', async () => {
    await annotateZtunnel(FROM_REV, ERROR_RATE);
    const run = canary(upgradeArgs('--bake', '6s'));
    await routeAtCanaryWeight(10);
    await annotateCanaryZtunnel(ERROR_RATE);
    const held = await run;
    expect(held.exitCode, held.all).toBe(5);
    expect(held.stderr).toMatch(/held.*both revisions break the SLO alike: the application fails \d+\.\d\d% on the canary \(\d+\/\d+\) and \d+\.\d\d% on the stable \(\d+\/\d+\); the budget is 0\.50%/);
    expect(held.stderr).toMatch(/`canary step` goes on/);
    // Nothing reverted: the route is still split, the canary still there, the run still running.
    expect(backends(await route())[0]).toEqual([[STABLE_NS, 90], [CANARY_NS, 10]].map(([ns, w]) => [ns, w]));
    expect(await namespaceExists(CANARY_NS)).toBe(true);
    const paused = await status();
    expect(paused.outcome).toBe('running');
    expect(paused.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'held']]);

    // The user accepts the application's own failures: the next step is judged on the mesh alone.
    const step = await canary(['step']);
    expect(step.exitCode, step.all).toBe(0);
    expect((await status()).steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'held'], [50, 'pass']]);

    const abort = await canary(['abort']);
    expect(abort.exitCode, abort.all).toBe(0);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(CANARY_NS)).toBe(false);
  });
});
