import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/domain/errors.js';
import { promoteRun } from '../../../src/orchestrator/advance.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { meshEndState, runUpgrade, setup } from './harness.js';

const ID = '1-29-6-to-1-30-3';

describe('Ctrl-C once promote has begun', () => {
  // The first op of promote after the route (the route then serves the canary only), one
  // after the old namespace is gone, one after the stable ztunnel is uninstalled.
  it.each(['gateway rev=1-30-3', 'cordon node-1', 'helm uninstall istiod-1-29-6'])('at "%s": nothing is reverted (the route keeps its canary backends), exit 130, and `canary promote` finishes it', async (at) => {
    const reference = stableCluster();
    await runUpgrade(reference, setup());

    const cluster = stableCluster();
    const run = setup();
    cluster.beforeMutation = (op) => {
      if (op !== at) return;
      const interrupt = new InterruptedError('interrupted by SIGINT');
      run.controller.abort(interrupt);
      throw interrupt;
    };
    const error = await runUpgrade(cluster, run).catch((e: unknown) => e);
    cluster.beforeMutation = () => undefined;
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect((error as Error).message).toMatch(/interrupted while promoting.*serves only 1-30-3.*nothing was reverted/);
    expect((error as InterruptedError).fix).toMatch(/canary promote/);
    // The route still sends the main rule's traffic to the canary: no rule was left without a backend.
    expect(cluster.route.spec.rules?.[0]?.backendRefs).toEqual([{ name: 'productpage', namespace: 'bookinfo-1-30-3', port: 9080 }]);
    expect(cluster.namespaces.has('bookinfo-1-30-3')).toBe(true);
    expect(cluster.releases.has('istiod-1-30-3') && cluster.releases.has('ztunnel-1-30-3')).toBe(true);
    expect(cluster.journal.filter((l) => /delete namespace bookinfo-1-30-3|uninstall .*1-30-3/.test(l))).toEqual([]);
    const left = cluster.records.get(ID);
    expect(left?.record).toMatchObject({ outcome: 'running', reason: 'interrupted while promoting' });

    const again = setup();
    const record = await promoteRun(
      { config: again.config, plan: again.plan, ports: fakePorts(cluster, again.plan), signal: again.controller.signal, progress: 'silent' },
      { record: structuredClone(left!.record), version: String(left!.version) },
    );
    expect(record.outcome).toBe('promoted');
    expect(meshEndState(cluster)).toEqual(meshEndState(reference));
  });
});
