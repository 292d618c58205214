import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.js';
import { verdict } from '../../../src/domain/verdict.js';
import type { RouteEvent } from '../../../src/kube/ports.js';
import { abortRun, promoteRun, step } from '../../../src/orchestrator/advance.js';
import { judgedWeight } from '../../../src/domain/run-record.js';
import type { FakeCluster } from '../../support/fake-cluster.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster, userRoute } from '../../support/scenario.js';
import { runUpgrade, setup } from './harness.js';
import { upgrade } from '../../../src/orchestrator/upgrade.js';

const ID = '1-29-6-to-1-30-3';

/** What `canary abort` must give back: the stable mesh exactly as it was before the run. */
function meshState(cluster: FakeCluster): unknown {
  return {
    nodes: Object.fromEntries([...cluster.nodes].map(([name, n]) => [name, { labels: n.labels, taints: n.taints, unschedulable: n.unschedulable }])),
    namespaces: [...cluster.namespaces.keys()].sort(),
    releases: [...cluster.releases.keys()].sort(),
    route: cluster.route.spec,
  };
}

describe('a run killed at any mutation is converged by `canary abort` from another process', () => {
  it('back to the stable mesh, or (once promote began) refused with the way forward', async () => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());
    const stable = meshState(stableCluster());
    let refused = 0;
    for (let n = 1; n <= reference.journal.length; n++) {
      const cluster = stableCluster();
      let count = 0;
      cluster.beforeMutation = () => {
        if (++count >= n) throw new Error(`killed at mutation ${n}`);
      };
      await expect(runUpgrade(cluster, setup())).rejects.toThrow(/killed at mutation/);
      cluster.beforeMutation = () => undefined;
      cluster.lease = undefined;
      const left = cluster.records.get(ID);
      const where = `killed at mutation ${n} (${reference.journal[n - 1]})`;
      if (!left) {
        expect(meshState(cluster), where).toEqual(stable);
        continue;
      }
      const run = setup();
      const options = { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan, { holder: 'other/pid-2' }), signal: run.controller.signal, progress: 'silent' as const };
      const outcome = await abortRun(options, { record: structuredClone(left.record), version: String(left.version) }).catch((e: unknown) => e);
      if (outcome instanceof InputError) {
        expect(outcome.message, where).toMatch(/is promoting|was promoted/);
        refused++;
        continue;
      }
      expect(meshState(cluster), where).toEqual(stable);
      expect(cluster.records.get(ID)?.record.outcome, where).toBe('reverted');
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('a run killed during a bake', () => {
  /** Kills the "process" during the bake at `weight`: nothing after it is written, not even a revert. */
  async function killedBaking(weight: number): Promise<{ cluster: FakeCluster; run: ReturnType<typeof setup> }> {
    const cluster = stableCluster();
    const run = setup();
    await expect(
      runUpgrade(cluster, run, {
        duringBake: (w) => {
          if (w !== weight) return;
          cluster.beforeMutation = () => {
            throw new Error('killed');
          };
          throw new Error('killed during the bake');
        },
      }),
    ).rejects.toThrow();
    cluster.beforeMutation = () => undefined;
    cluster.lease = undefined;
    return { cluster, run: setup() };
  }
  const stored = (cluster: FakeCluster) => {
    const r = cluster.records.get(ID);
    if (!r) throw new Error('no record');
    return { record: structuredClone(r.record), version: String(r.version) };
  };

  it('leaves the route at the new weight with an unjudged step, which is never counted as passed', async () => {
    const { cluster } = await killedBaking(50);
    const record = stored(cluster).record;
    expect(record.weight).toBe(50);
    expect(record.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'pass'], [50, undefined]]);
    expect(judgedWeight(record)).toBe(10);
  });

  it('`canary step` bakes that weight again rather than skipping its judgement', async () => {
    const { cluster, run } = await killedBaking(50);
    const options = { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan), signal: run.controller.signal, progress: 'silent' as const };
    await expect(step(options, stored(cluster), 100)).rejects.toThrow(/next step is 50%, not 100%/);
    const after = await step(options, stored(cluster), 50);
    expect(after.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'pass'], [50, undefined], [50, 'pass']]);
  });

  it('`canary promote` refuses a 100% step that has no verdict', async () => {
    const { cluster, run } = await killedBaking(100);
    const options = { config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan), signal: run.controller.signal, progress: 'silent' as const };
    await expect(promoteRun(options, stored(cluster))).rejects.toThrow(/at 100% without a passed verdict there/);
  });
});

describe('two CI jobs that read the record at the same time', () => {
  it('take one step between them: the second re-reads under the lock and refuses the step the first took', async () => {
    const cluster = stableCluster();
    await runUpgrade(cluster, setup({ 'steps.until': 10 }));
    const left = cluster.records.get(ID);
    if (!left) throw new Error('no record');
    const stale = { record: structuredClone(left.record), version: String(left.version) };
    const run = setup();
    const options = (holder: string) => ({ config: run.config, plan: run.plan, ports: fakePorts(cluster, run.plan, { holder }), signal: run.controller.signal, progress: 'silent' as const });
    expect((await step(options('job-1/pid-1'), stale, undefined)).weight).toBe(50);
    await expect(step(options('job-2/pid-2'), stale, undefined)).rejects.toThrow(/the next step is 100%, not 50%/);
    expect(cluster.records.get(ID)?.record.steps.map((s) => s.weight)).toEqual([10, 50]);
  });
});

describe('`canary abort` of a run that already ended', () => {
  it('finishes its clean-up but keeps why it ended: an SLO breach stays the reason', async () => {
    const cluster = stableCluster();
    const run = setup({ keepCanary: true });
    await expect(runUpgrade(cluster, run, { judge: (w) => (w === 50 ? verdict('fail', ['burn 30×']) : verdict('pass', ['ok'])) })).rejects.toThrow(/weight 50%/);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(true);
    const left = cluster.records.get(ID);
    if (!left) throw new Error('no record');
    const again = setup();
    const record = await abortRun({ config: again.config, plan: again.plan, ports: fakePorts(cluster, again.plan), signal: again.controller.signal, progress: 'silent' }, { record: structuredClone(left.record), version: String(left.version) });
    expect(record.outcome).toBe('aborted');
    expect(record.reason).toMatch(/^weight 50%: the canary did not pass \(fail\): burn 30×/);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(false);
  });
});

describe('a helm killed mid-install', () => {
  it('leaves its release pending-install; the resumed run uninstalls it before installing again', async () => {
    const cluster = stableCluster();
    cluster.releases.set('ztunnel-1-30-3', { owned: true, args: [] });
    const run = setup();
    const ports = fakePorts(cluster, run.plan);
    const pending = {
      ...ports,
      reader: {
        ...ports.reader,
        inspect: async (...args: Parameters<typeof ports.reader.inspect>) => {
          const facts = await ports.reader.inspect(...args);
          const stuck = !cluster.journal.includes('helm uninstall ztunnel-1-30-3');
          return { ...facts, releases: facts.releases.map((r) => (r.name === 'ztunnel-1-30-3' && stuck ? { ...r, status: 'pending-install' } : r)) };
        },
      },
    };
    const result = await upgrade({ config: run.config, plan: run.plan, ports: pending, signal: run.controller.signal, progress: 'silent' });
    expect(result.kind).toBe('promoted');
    const uninstalled = cluster.journal.indexOf('helm uninstall ztunnel-1-30-3');
    expect(uninstalled).toBeGreaterThan(-1);
    expect(cluster.journal.findIndex((l) => l.startsWith('helm upgrade ztunnel-1-30-3'))).toBeGreaterThan(uninstalled);
  });
});

describe('Kubernetes Events on the route', () => {
  it('tell the story: each weight, each verdict, then the promotion', async () => {
    const events: RouteEvent[] = [];
    await runUpgrade(stableCluster(), setup(), { events });
    expect(events.map((e) => `${e.reason}/${e.type}`)).toEqual([
      'CanaryWeight/Normal',
      'CanaryVerdict/Normal',
      'CanaryWeight/Normal',
      'CanaryVerdict/Normal',
      'CanaryWeight/Normal',
      'CanaryVerdict/Normal',
      'CanaryPromoted/Normal',
    ]);
    expect(events[0]?.note).toMatch(/^step to 10%, accepted at generation \d+: 1-29-6 90% \/ 1-30-3 10%/);
  });

  it('a failing verdict puts the weight back at once, then is a Warning, then the abort', async () => {
    const events: RouteEvent[] = [];
    const cluster = stableCluster();
    await expect(runUpgrade(cluster, setup(), { events, judge: (w) => (w === 50 ? verdict('fail', ['burn 30×']) : verdict('pass', ['ok'])) })).rejects.toThrow(/weight 50%/);
    expect(events.slice(-3).map((e) => `${e.reason}/${e.type}: ${e.note}`)).toEqual([
      expect.stringMatching(/^CanaryWeight\/Normal: traffic back on the stable revision: 1-29-6 100% \/ 1-30-3 0%/),
      'CanaryVerdict/Warning: 50%: fail: burn 30×',
      expect.stringMatching(/^CanaryAborted\/Warning: run 1-29-6-to-1-30-3 aborted: weight 50%/),
    ]);
  });

  it('are best effort: a run whose every Event fails ends exactly as one whose Events succeed', async () => {
    const cluster = stableCluster();
    const result = await runUpgrade(cluster, setup(), { eventsFail: true });
    expect(result.kind).toBe('promoted');
    expect(cluster.route.spec).not.toEqual(userRoute().spec);
  });
});
