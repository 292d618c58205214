import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM_REV, STABLE_RULES, TO_REV, backends, namespaceExists, nodeRevisions, nodeTaints, route } from './support.js';
import { allReleases, CANARY_NS, killGroup, routeCanaryWeight, run, seeded, sleep, start, status, upgrade, type Status } from './runs-support.js';

/**
 * SIGKILL at seeded random points of a whole run (process group: helm dies too), then
 * `canary status` must tell the truth about the cluster and `canary abort` must converge
 * to the stable mesh. The points are stratified over the length of an uninterrupted run
 * (measured first), so every phase gets its share. Reproduce with the printed seed:
 * KILL_SEED=<seed> KILL_POINTS=<n> npx vitest run --project e2e test/e2e/runs-kill.test.ts
 */
// 15 stratified points cover every phase (the unit test kills at every mutation); each costs ~50 s of CI.
const COUNT = Number(process.env['KILL_POINTS'] ?? 15);
const SEED = Number(process.env['KILL_SEED'] ?? 20261123);
const random = seeded(SEED);
/** Fractions of the run's length, one in each of COUNT equal slices. */
const FRACTIONS = Array.from({ length: COUNT }, (_, i) => (i + random()) / COUNT);
const ARGS = upgrade('--bake', '1s');

let unlock: () => void;
let runMs = 0;
/** Set while a kill is being checked: a failed check leaves the cluster anywhere, so the next one resets it. */
let dirty = false;
const timings: string[] = [];

beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
  const t0 = Date.now();
  const reference = await run(ARGS);
  runMs = Date.now() - t0;
  expect(reference.exitCode, reference.all).toBe(0);
  const s = await status();
  const phases = s.events.filter((e) => / done$|^route at/.test(e.message)).map((e) => `${((Date.parse(e.at) - t0) / 1000).toFixed(1)}s ${e.message}`);
  console.log(`kill test: seed ${SEED}, ${COUNT} points; an uninterrupted run took ${(runMs / 1000).toFixed(1)} s:\n  ${phases.join('\n  ')}`);
  console.log(`kill points (s): ${FRACTIONS.map((f) => ((f * runMs) / 1000).toFixed(2)).join(', ')}`);
  await resetDemoState();
}, 1_800_000);

afterAll(() => {
  console.log(`kill test timings:\n  ${timings.join('\n  ')}`);
  unlock?.();
});

const STABLE_RELEASES = ['istio-base', 'istio-cni', `istiod-${FROM_REV}`, `ztunnel-${FROM_REV}`];

async function expectStableMesh(where: string): Promise<void> {
  expect((await route()).spec.rules, where).toEqual(STABLE_RULES);
  expect(await namespaceExists(CANARY_NS), where).toBe(false);
  expect(await allReleases(), where).toEqual(STABLE_RELEASES);
  expect(await nodeRevisions(), where).toEqual({ 'kwok-node-0': FROM_REV, 'kwok-node-1': FROM_REV, 'kwok-node-2': undefined });
  expect(await nodeTaints(), where).toEqual([]);
}

/** What status says the cluster holds must be what the cluster holds; where the record differs, status says so. */
async function expectStatusTellsTheTruth(s: Status, where: string): Promise<void> {
  expect('error' in s.observed, where).toBe(false);
  if ('error' in s.observed) return;
  const o = s.observed;
  const canaryOnly = backends(await route()).every((rule) => rule.every(([ns]) => ns !== `bookinfo-${FROM_REV}`));
  const weight = canaryOnly ? 100 : await routeCanaryWeight();
  expect(o.route.state === 'canary-only' ? 100 : o.route.state === 'split' ? o.route.canary : 0, where).toBe(weight);
  const labels = await nodeRevisions();
  for (const n of o.nodes) expect(n.label ?? undefined, `${where}: node ${n.name}`).toBe(labels[n.name]);
  const ours = (await allReleases()).filter((r) => r.endsWith(`-${FROM_REV}`) || r.endsWith(`-${TO_REV}`));
  expect(o.releases.map((r) => r.name).sort(), where).toEqual(ours);
  // The record never lets a node go unlisted: it is recorded before it is touched.
  expect(o.findings.filter((f) => f.includes('does not list it')), where).toEqual([]);
  if (weight !== s.weight && !canaryOnly) {
    const next = s.schedule.find((w) => w > s.weight);
    expect([next, 0], `${where}: the route may only be one write ahead of the record`).toContain(weight);
    expect(o.findings.some((f) => f.startsWith(`the route gives the canary ${weight}%, the record says ${s.weight}%`)), where).toBe(true);
  }
}

describe(`Given a run SIGKILLed at ${COUNT} seeded points (seed ${SEED})`, () => {
  it.for(FRACTIONS.map((f, i) => [i + 1, f] as const))('kill #%i: status tells the truth, then abort (or, once promote began, upgrade) converges', { timeout: 600_000 }, async ([n, fraction]) => {
    if (dirty) await resetDemoState();
    dirty = true;
    const t0 = Date.now();
    const delay = Math.round(fraction * runMs);
    const child = start(ARGS);
    await sleep(delay);
    killGroup(child);
    const killed = await child;
    const where = `kill #${n} at ${(delay / 1000).toFixed(2)} s (seed ${SEED})`;
    // The last thing the killed process printed: where in the procedure it was.
    const said = (killed.all ?? '').split('\n').map((l) => l.trim()).filter(Boolean).slice(-1).join('').slice(0, 120);

    const s = await status().catch(() => undefined);
    if (s === undefined) {
      // Killed before the record existed (preflight): nothing may have changed.
      await expectStableMesh(where);
      timings.push(`${where}: before any record (${said}); ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      dirty = false;
      return;
    }
    await expectStatusTellsTheTruth(s, where);
    const gaps = 'error' in s.observed ? [] : s.observed.findings;
    const abort = await run(['abort']);
    if (abort.exitCode === 2 && /is promoting|was promoted/.test(abort.stderr)) {
      const resumed = await run(ARGS);
      expect(resumed.exitCode, `${where}: ${resumed.all}`).toBe(0);
      expect(backends(await route()), where).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
      expect((await status()).outcome, where).toBe('promoted');
      await resetDemoState();
    } else {
      expect(abort.exitCode, `${where}: ${abort.all}`).toBe(0);
      await expectStableMesh(where);
      const after = await status();
      expect(after.outcome, where).toBe('reverted');
      expect('error' in after.observed ? after.observed.error : after.observed.findings, where).toEqual([]);
    }
    dirty = false;
    timings.push(`${where}: phase ${s.phase ?? 'none'}, weight ${s.weight}, ${abort.exitCode === 0 ? 'abort converged' : 'promote under way: upgrade converged'} (${said}); status named ${gaps.length ? gaps.map((g) => `"${g.slice(0, 60)}..."`).join(', ') : 'no gap'}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
});
