import { describe, expect, it } from 'vitest';
import { doctorReport, doctorTable } from '../../../src/cli/commands/doctor.js';
import { InputError } from '../../../src/domain/errors.js';
import type { StableProbeRequest } from '../../../src/load/ports.js';
import type { Reporter } from '../../../src/orchestrator/context.js';
import { checkCluster, preflight } from '../../../src/orchestrator/preflight.js';
import { statusTable } from '../../../src/report/status-table.js';
import { fakePorts, stableWindows, type FakeBehaviour } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { runUpgrade, setup, storedRun, type Run } from './harness.js';

const never = new AbortController().signal;
const URL = 'http://127.0.10.1:18080';

/** A stable that fails 28 of 2,480 requests (98.8%, under a 99.5% objective). */
const failingStable: FakeBehaviour['stable'] = (r) => stableWindows(r.url, 5, 2480, 28);

function recorder(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, say: (line) => void lines.push(line), retitle: () => undefined };
}

async function doctor(run: Run, behaviour: FakeBehaviour = {}, cluster = stableCluster()) {
  return checkCluster(run.config, run.plan, fakePorts(cluster, run.plan, behaviour), never);
}

describe('preflight measures the stable under the load profile before anything changes (issue 15)', () => {
  it('sends the probe through the gateway for preflight.probe, once every read-only check passed, and prints its line', async () => {
    const run = setup();
    const probes: StableProbeRequest[] = [];
    const report = recorder();
    const cluster = stableCluster();
    const outcome = await preflight(run.config, run.plan, fakePorts(cluster, run.plan, { probes }), report, never);
    expect(probes).toEqual([{ url: URL, revisions: { stable: '1-29-6', canary: '1-30-3' }, durationMs: 5000 }]);
    expect(report.lines).toContain('read-only checks passed; measuring the stable revision 1-29-6 under the load profile for 5 s, before anything changes');
    expect(report.lines.at(-1)).toMatch(/^ok {3}the stable revision 1-29-6 answers 100\.0% of 2,500 requests \(objective 99\.5%\) with p99 12\.1 ms \(bound 500 ms\) in 5 s: within budget$/);
    expect(outcome.baseline).toMatchObject({ requests: 2500, errors: 0, successRate: 1, durationMs: 5000, objective: { successRate: 0.995, p99Ms: 500 } });
    expect(cluster.journal).toEqual([]);
  });

  it('warns, never fails, when the stable is already out of budget: doctor is ready with a warning, and says what to do', async () => {
    const report = doctorReport(await doctor(setup(), { stable: failingStable }));
    expect(report.ok).toBe(true);
    expect(report.checks.at(-1)).toMatchObject({ id: 'stable-slo', status: 'warn', message: expect.stringMatching(/answers 98\.8% of 2,480 requests \(objective 99\.5%\) .*: it is already out of budget; the canary is judged against it$/) });
    const table = doctorTable(report);
    expect(table).toMatch(/\nbaseline\n {2}warn {2}stable-slo +the stable revision 1-29-6 answers 98\.8%.*\n +fix: the stable fails more than the SLO allows/);
    expect(table).toMatch(/Ready for `canary upgrade` \(1 warning\(s\)\)\.\n$/);
  });

  it('prints the warning with its fix in the upgrade\'s preflight, and the upgrade goes on', async () => {
    const run = setup();
    const report = recorder();
    await preflight(run.config, run.plan, fakePorts(stableCluster(), run.plan, { stable: failingStable }), report, never);
    expect(report.lines.at(-1)).toMatch(/^warn the stable revision 1-29-6 answers 98\.8% .*already out of budget; the canary is judged against it \(the stable fails more than the SLO allows/);
    expect((await runUpgrade(stableCluster(), setup(), { stable: failingStable })).kind).toBe('promoted');
  });

  it('keeps the figures in the run record when the run starts, and status shows them', async () => {
    const cluster = stableCluster();
    const result = await runUpgrade(cluster, setup({ 'preflight.probe': '5s' }), { stable: failingStable });
    const { baseline } = storedRun(cluster).record;
    expect(baseline).toEqual({ requests: 2480, errors: 28, successRate: 2452 / 2480, p99Ms: expect.any(Number), durationMs: 5000, measuredAt: expect.any(String), objective: { successRate: 0.995, p99Ms: 500 } });
    expect(result.record.baseline).toEqual(baseline);
    expect(statusTable(result.record)).toMatch(/\n {2}stable {4}before the run: 98\.8% of 2,480 requests \(objective 99\.5%\) with p99 12\.1 ms \(bound 500 ms\): out of budget \(5 s at .*\)\n/);
  });

  it('is off at preflight.probe 0: no load, and the line says it was skipped', async () => {
    const probes: StableProbeRequest[] = [];
    const checked = await doctor(setup({ 'preflight.probe': '0' }), { probes });
    expect(probes).toEqual([]);
    expect(checked.results.at(-1)).toEqual({ id: 'stable-slo', group: 'baseline', status: 'pass', message: 'the stable revision was not measured under load: --stable-probe (preflight.probe) is 0' });
    expect(checked.baseline).toBeUndefined();
  });

  it('sends no load when a read-only check failed, and the run stops as before', async () => {
    const probes: StableProbeRequest[] = [];
    const cluster = stableCluster();
    cluster.namespaces.delete('bookinfo-1-29-6');
    const run = setup();
    const checked = await doctor(run, { probes }, cluster);
    expect(checked.results.find((r) => r.id === 'stable-namespace')?.status).toBe('fail');
    expect(checked.results.some((r) => r.id === 'stable-slo')).toBe(false);
    await expect(preflight(run.config, run.plan, fakePorts(cluster, run.plan, { probes }), recorder(), never)).rejects.toBeInstanceOf(InputError);
    expect(probes).toEqual([]);
  });

  it('warns when the probe itself cannot run, and checks everything else as before', async () => {
    const checked = await doctor(setup(), {
      stable: () => {
        throw new InputError([{ path: 'load profile /nope.yaml', message: 'cannot be read (ENOENT)' }]);
      },
    });
    expect(checked.results.at(-1)).toMatchObject({ id: 'stable-slo', status: 'warn', message: expect.stringMatching(/^the stable revision could not be measured under load: .*nope\.yaml/) });
    expect(checked.results.filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('names too few responses rather than guessing', async () => {
    const checked = await doctor(setup({ 'preflight.probe': '1s' }), { stable: (r) => stableWindows(r.url, 1, 80) });
    expect(checked.results.at(-1)).toMatchObject({ status: 'warn', message: expect.stringMatching(/answered only 80 request\(s\) in 1 s: at least 200 are needed/) });
    expect(checked.baseline).toBeUndefined();
  });

  it('does not measure a resumed run again: it shows the figures of when the run started', async () => {
    const cluster = stableCluster();
    cluster.beforeMutation = (op) => {
      if (op.startsWith('helm upgrade istiod-1-30-3')) throw new Error('killed');
    };
    await expect(runUpgrade(cluster, setup(), { stable: failingStable })).rejects.toThrow(/killed/);
    cluster.beforeMutation = () => undefined;
    cluster.lease = undefined;
    const recorded = storedRun(cluster).record.baseline;
    const probes: StableProbeRequest[] = [];
    const run = setup();
    const report = recorder();
    await preflight(run.config, run.plan, fakePorts(cluster, run.plan, { probes }), report, never, storedRun(cluster).record);
    expect(probes).toEqual([]);
    expect(report.lines.at(-1)).toMatch(/^warn the stable revision 1-29-6 answers 98\.8% of 2,480 requests .* when the run started \(.*\): it is already out of budget/);
    expect((await runUpgrade(cluster, setup(), { probes })).kind).toBe('promoted');
    expect(probes).toEqual([]);
    expect(storedRun(cluster).record.baseline).toEqual(recorded);
  });
});
