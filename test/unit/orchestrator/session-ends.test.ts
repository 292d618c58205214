import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import { formatError } from '../../../src/cli/messages.js';
import { stableCluster, userRoute } from '../../support/scenario.js';
import { lockAfter, runUpgrade, setup, storedRun } from './harness.js';
import { abortRun, promoteRun, step } from '../../../src/orchestrator/advance.js';
import { verdict } from '../../../src/domain/verdict.js';
import { upgrade } from '../../../src/orchestrator/upgrade.js';
import { fakePorts } from '../../support/fake-ports.js';

const ID = '1-29-6-to-1-30-3';

describe('bad input found after the run has changed the cluster', () => {
  it('a route edited since preflight (no stable backend left) is exit 1 with the way on, not exit 2 "nothing was changed"', async () => {
    const cluster = stableCluster();
    cluster.beforeMutation = (op) => {
      // Someone repoints the route while the canary workloads are being deployed.
      if (op === 'apply Namespace /bookinfo-1-30-3') cluster.route.spec.rules![0]!.backendRefs = [{ name: 'productpage', namespace: 'elsewhere', port: 9080 }];
    };
    const error = await runUpgrade(cluster, setup()).catch((e: unknown) => e);
    expect(cluster.journal).toContain('helm upgrade istiod-1-30-3');
    expect(error).toBeInstanceOf(InfraError);
    const { text, exitCode } = formatError(error);
    expect(exitCode).toBe(1);
    expect(text).not.toMatch(/nothing was changed/);
    expect(text).toMatch(/sends no traffic to namespace bookinfo-1-29-6/);
    expect(text).toMatch(/fix: .*canary abort/);
    expect(cluster.route.spec.rules?.[1]).toEqual(userRoute().spec.rules?.[1]);
  });
});

describe('a run promoted by another process between preflight and the lock', () => {
  it('`canary upgrade` says it was promoted already and starts nothing over on the promoted mesh', async () => {
    const cluster = stableCluster();
    expect((await runUpgrade(cluster, setup({ 'steps.until': 10 }))).kind).toBe('paused');
    const run = setup();
    const other = setup();
    const stored = () => storedRun(cluster);
    const otherOptions = () => ({ config: other.config, plan: other.plan, ports: fakePorts(cluster, other.plan, { holder: 'ci-job/pid-7' }), signal: other.controller.signal, progress: 'silent' as const });
    await step(otherOptions(), stored(), 50);
    await step(otherOptions(), stored(), 100);
    let journalAtPromote = -1;
    // Our preflight has passed (the run was resumable); another CI job promotes it before we take the lock.
    const racing = lockAfter(fakePorts(cluster, run.plan), async () => {
      await promoteRun(otherOptions(), stored());
      journalAtPromote = cluster.journal.length;
    });
    const result = await upgrade({ config: run.config, plan: run.plan, ports: racing, signal: run.controller.signal, progress: 'silent' });
    expect(result.kind).toBe('already-promoted');
    expect(cluster.journal.slice(journalAtPromote)).toEqual([]);
    expect(cluster.records.get(ID)?.record.outcome).toBe('promoted');
  });
});

describe('`canary abort` of a run that ends between its first read and the lock', () => {
  it('keeps the outcome and reason the run ended with (the SLO breach), as for any ended run', async () => {
    const cluster = stableCluster();
    expect((await runUpgrade(cluster, setup({ 'steps.until': 10 }))).kind).toBe('paused');
    const stored = () => storedRun(cluster);
    const other = setup();
    const failing = { config: other.config, plan: other.plan, ports: fakePorts(cluster, other.plan, { holder: 'ci-job/pid-7', judge: () => verdict('fail', ['50%: 12% errors']) }), signal: other.controller.signal, progress: 'silent' as const };
    const run = setup();
    // We read the run while it is paused at 10%; a CI job's 50% step breaches the SLO before we take the lock.
    const racing = lockAfter(fakePorts(cluster, run.plan), async () => {
      await expect(step(failing, stored(), 50)).rejects.toThrow(/weight 50%/);
    });
    const first = stored();
    expect(first.record.outcome).toBe('running');
    const record = await abortRun({ config: run.config, plan: run.plan, ports: racing, signal: run.controller.signal, progress: 'silent' }, first);
    expect(record.outcome).toBe('aborted');
    expect(record.reason).toMatch(/weight 50%.*12% errors/);
  });
});
