// Steps judged by Prometheus (the local cluster's real one, scraping the simulated gateway's
// Istio metrics every second): the bad release that the load judge aborts (abort.test.ts:
// faults from the 50% step) is aborted by Prometheus alone too, with the mesh's own traffic
// as the only evidence; and a healthy release judged by both sources promotes.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startLoad, type LoadHandle } from '../../src/load/autocannon-load.js';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM, FROM_REV, STABLE_RULES, TO_REV, annotateCanaryZtunnel, canary, namespaceExists, route, routeAtCanaryWeight, upgradeArgs } from './support.js';

interface StepStatus {
  weight: number;
  verdict?: { kind: string; reasons: string[]; figures: Record<string, number> };
}

let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
});
afterAll(() => unlock?.());
beforeEach(resetDemoState, 120_000);

/** The mesh's "real" traffic: 300 requests a second through the gateway for as long as the run lasts. */
function meshTraffic(): LoadHandle {
  return startLoad(
    {
      url: inject('gatewayUrl'),
      profile: { target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 8, rate: 300, durationMs: 600_000, timeoutMs: 2000 },
      revisions: { stable: FROM_REV, canary: TO_REV },
      windowMs: 1000,
      p99Ms: 500,
      capMs: 600_000,
      onWindow: () => 'continue',
    },
    new AbortController().signal,
  );
}

async function steps(): Promise<StepStatus[]> {
  return (JSON.parse((await canary(['status', '-o', 'json'])).stdout) as { steps: StepStatus[] }).steps;
}

describe('Given a canary release that starts failing during the 50% step, and Prometheus as the only judge', () => {
  it(`When upgraded under the mesh\'s own traffic, Then Prometheus passes 10%, fails 50% on the success rate, exit 3, and everything is back on ${FROM}`, async () => {
    const traffic = meshTraffic();
    try {
      const run = canary(upgradeArgs('--bake', '8s', '--metrics-sources', 'prometheus', '--prometheus-url', inject('prometheusUrl')));
      await routeAtCanaryWeight(50);
      await annotateCanaryZtunnel({ 'sim.ambient-canary.dev/error-rate': '0.3' });
      const r = await run;
      expect(r.exitCode, r.all).toBe(3);
      expect(r.stderr).toMatch(/weight 50%.*prometheus: success-rate: \d+ of \d+ canary requests were not successful/);
    } finally {
      traffic.end('abort');
      await traffic.outcome;
    }
    const s = await steps();
    expect(s.map((x) => [x.weight, x.verdict?.kind])).toEqual([[10, 'pass'], [50, 'fail']]);
    for (const step of s) {
      expect(Object.keys(step.verdict?.figures ?? {}).every((k) => k.startsWith('prometheus.')), JSON.stringify(step.verdict?.figures)).toBe(true);
      expect(step.verdict?.reasons.every((reason) => reason.startsWith('prometheus: '))).toBe(true);
    }
    expect(s[0]?.verdict?.figures['prometheus.canary.requests']).toBeGreaterThan(100);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
  }, 600_000);
});

describe('Given a healthy canary release judged by both sources', () => {
  it('When upgraded, Then every step passes on load and on Prometheus, and it promotes', async () => {
    const traffic = meshTraffic();
    let r: Awaited<ReturnType<typeof canary>>;
    try {
      r = await canary(upgradeArgs('--bake', '5s', '--metrics-sources', 'load,prometheus', '--prometheus-url', inject('prometheusUrl')));
    } finally {
      traffic.end('abort');
      await traffic.outcome;
    }
    expect(r.exitCode, r.all).toBe(0);
    const s = await steps();
    expect(s.map((x) => [x.weight, x.verdict?.kind])).toEqual([[10, 'pass'], [50, 'pass'], [100, 'pass']]);
    for (const step of s) {
      expect(step.verdict?.reasons.map((reason) => reason.split(':')[0]).sort()).toEqual(['load', 'prometheus']);
      expect(step.verdict?.figures['load.canaryRequests']).toBeGreaterThan(0);
      expect(step.verdict?.figures['prometheus.canary.requests']).toBeGreaterThan(0);
    }
  }, 600_000);
});
