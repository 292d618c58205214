import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM, FROM_REV, STABLE_RULES, TO, TO_REV, annotateCanaryZtunnel, backends, nodeRevisions, releases, route } from './support.js';
import { kubectl, routeCanaryWeight, run, RUN_ID, status, upgrade } from './runs-support.js';
import { re } from '../support/literal-regexp.js';
import { DEFAULT_TAG_INJECTOR } from '../../src/mesh/charts.js';
import { killStableTagDrop } from './killed-tag-drop.js';

let unlock: () => void;
// The demo state may be in use by another test process: lockDemoState waits up to 20 minutes.
beforeAll(async () => {
  unlock = await lockDemoState();
}, 1_500_000);
afterAll(() => unlock?.());
beforeEach(resetDemoState, 180_000);

/** One CI job per weight: the schedule has three steps after the first. */
const SCHEDULE = ['--weights', '10,25,50,100', '--bake', '2s'];

describe('Given a run started by `canary upgrade --until 10` (one CI job)', () => {
  it('When three separate `canary step` processes run, Then each moves exactly one step, and `canary promote` finishes it, even after a helm killed mid-way left the stable istiod pending', async () => {
    const started = await run(['upgrade', '--from', FROM, '--to', TO, ...SCHEDULE, '--until', '10']);
    expect(started.exitCode, started.all).toBe(0);
    expect(started.stdout).toMatch(/Paused at 10%: continue with `canary step`/);
    expect(await routeCanaryWeight()).toBe(10);

    // A step never skips: asking for 50 when 25 is next changes nothing.
    const skip = await run(['step', '--weight', '50']);
    expect(skip.exitCode, skip.all).toBe(2);
    expect(skip.stderr).toMatch(/the next step is 25%, not 50%: steps are never skipped or repeated/);

    for (const weight of [25, 50, 100]) {
      const stepped = await run(['step', '--weight', String(weight)]);
      expect(stepped.exitCode, stepped.all).toBe(0);
      expect(stepped.stdout).toMatch(weight === 100 ? /The run is at 100%: finish it with `canary promote`/ : /Next: `canary step`/);
      expect(await routeCanaryWeight()).toBe(weight);
      expect((await status()).weight).toBe(weight);
    }
    const s = await status();
    expect(s.steps.map((x) => [x.weight, x.verdict?.kind])).toEqual([[10, 'pass'], [25, 'pass'], [50, 'pass'], [100, 'pass']]);
    // Four processes ran the four steps: the record names each.
    expect(new Set(s.steps.map((x) => x.by)).size).toBe(4);

    // An earlier promote's CI job was cancelled while the stable istiod dropped its tags.
    await killStableTagDrop();
    const promoted = await run(['promote']);
    expect(promoted.exitCode, promoted.all).toBe(0);
    expect(promoted.stdout).toMatch(re`Helm release istiod-${FROM_REV} was left pending-upgrade by a process that stopped; rolling it back first: `);
    expect(promoted.stdout).toMatch(re`deleted MutatingWebhookConfiguration ${DEFAULT_TAG_INJECTOR}: revision `);
    expect(promoted.stdout).toMatch(re`default revision tag on istiod-${TO_REV} \(handed over from istiod-${FROM_REV} in two helm upgrades\)`);
    expect(backends(await route())).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
    expect(await releases()).toEqual(['istio-base', 'istio-cni', `istiod-${TO_REV}`, `ztunnel-${TO_REV}`]);
    expect(Object.values(await nodeRevisions())).toEqual([TO_REV, TO_REV, TO_REV]);

    const after = await run(['step']);
    expect(after.exitCode).toBe(2);
    expect(after.stderr).toMatch(/ended \(promoted\); `canary step` does not continue it/);
  });

  it('Then the record is a ConfigMap kubectl reads, status agrees in json, yaml and table, and the route\'s Events tell the story', async () => {
    expect((await run(['upgrade', '--from', FROM, '--to', TO, ...SCHEDULE, '--until', '25'])).exitCode).toBe(0);
    const cm = await kubectl(['get', 'configmap', '-n', 'istio-system', `canary-run-${RUN_ID}`, '-o', 'yaml']);
    const object = parseYaml(cm.stdout) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> };
    expect(object.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'ambient-canary', 'ambient-canary.dev/run': RUN_ID, 'ambient-canary.dev/outcome': 'running' });
    expect(object.metadata.annotations['ambient-canary.dev/written-by']).toMatch(/^ambient-canary\//);
    const record = JSON.parse(object.data['record.json'] as string) as { schema: number; weight: number };
    expect(record).toMatchObject({ schema: 1, weight: 25 });

    const json = await status('json');
    const yaml = await status('yaml');
    const { observed, ...fromJson } = json;
    expect(fromJson).toEqual(record);
    // Two reads of the cluster: all but the moment of reading must agree.
    expect({ ...yaml, observed: { ...yaml.observed, at: '' } }).toEqual({ ...json, observed: { ...observed, at: '' } });
    expect(observed).toMatchObject({ route: { state: 'split', stable: 75, canary: 25 }, releases: expect.arrayContaining([{ name: `istiod-${TO_REV}`, status: 'deployed' }]) });
    const table = await run(['status']);
    expect(table.stdout).toMatch(/route\s+75\/25 stable\/canary/);

    const describe = await kubectl(['describe', 'httproute', '-n', 'istio-ingress', 'bookinfo']);
    const events = describe.stdout.slice(describe.stdout.indexOf('Events:'));
    expect(events).toMatch(re`Normal\s+CanaryWeight\s+\S+\s+ambient-canary\.dev\/canary\s+step to 10%, accepted at generation \d+: ${FROM_REV} 90% \/ ${TO_REV} 10%`);
    expect(events).toMatch(/Normal\s+CanaryVerdict\s+.*25%: pass:/);

    const abort = await run(['abort']);
    expect(abort.exitCode, abort.all).toBe(0);
    const later = await kubectl(['describe', 'httproute', '-n', 'istio-ingress', 'bookinfo']);
    expect(later.stdout).toMatch(/Warning\s+CanaryAborted\s+.*reverted: aborted by `canary abort`/);
    expect((await kubectl(['get', 'configmap', '-n', 'istio-system', '-l', 'ambient-canary.dev/outcome=reverted', '-o', 'name'])).stdout).toBe(`configmap/canary-run-${RUN_ID}`);
  });
});

describe('Given a run paused at 10% whose canary then starts failing', () => {
  it('When `canary step` runs, Then it exits 3 with traffic back on stable, and a later step refuses to continue the aborted run', async () => {
    expect((await run(upgrade('--until', '10'))).exitCode).toBe(0);
    await annotateCanaryZtunnel({ 'sim.ambient-canary.dev/error-rate': '0.3' });
    const failed = await run(['step']);
    expect(failed.exitCode, failed.all).toBe(3);
    expect(failed.stderr).toMatch(/weight 50%: the canary did not pass \(fail\)/);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    const again = await run(['step']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(re`ended \(aborted: weight 50%.*start a new one with \`canary upgrade --from ${FROM} --to ${TO}\``);
  });
});

describe('Given `canary upgrade --until 50`', () => {
  it('Then it stops after the 50% step with the route there, and writes every report from the record', async () => {
    const r = await run(upgrade('--until', '50'));
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/Paused at 50%/);
    expect(await routeCanaryWeight()).toBe(50);
    const dir = mkdtempSync(join(tmpdir(), 'canary-report-'));
    const summary = join(dir, 'summary.md');
    for (const [file, format] of [['r.json', 'json'], ['junit.xml', 'junit'], ['r.md', 'markdown'], ['r.html', 'html']]) {
      const written = await run(['report', '-o', join(dir, file as string)], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(written.exitCode, written.all).toBe(0);
      expect(written.stderr).toContain(`${format} report written to`);
    }
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({ id: RUN_ID, weight: 50 });
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/tests="4" failures="0" errors="0" skipped="2"/);
    expect(readFileSync(summary, 'utf8')).toContain(`# Canary upgrade ${FROM} → ${TO}: running`);
    const wrong = await run(['report', '-o', 'json']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/names the FILE to write for `canary report`; for the format use --format json/);
  });
});
