import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/messages.js';
import { HeldError } from '../../../src/domain/errors.js';
import { verdict } from '../../../src/domain/verdict.js';
import type { BakeRequest } from '../../../src/load/ports.js';
import { abortRun, step } from '../../../src/orchestrator/advance.js';
import { upgrade } from '../../../src/orchestrator/upgrade.js';
import { freshEvidence } from '../../../src/slo/evidence.js';
import { DEFAULT_SLO } from '../../../src/slo/spec.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { routeSpec, setup, storedRun } from './harness.js';

const HELD = verdict('held', ['both revisions break the SLO alike: the application fails 1.00% on the canary (5/500) and 1.02% on the stable (46/4500); the budget is 0.50%']);

/** A judge that holds the first step and passes the others, returning evidence that grows by one tick a step. */
function heldJudge(requests: BakeRequest[]) {
  return {
    bake: async (req: BakeRequest) => {
      requests.push(req);
      const before = req.evidence ?? freshEvidence(DEFAULT_SLO, 0.01);
      const evidence = { ...before, ticks: before.ticks + 1 };
      return { verdict: req.weights.canary === 10 ? HELD : verdict('pass', ['fine']), windows: [], evidence };
    },
  };
}

describe('a held step (both revisions break the SLO alike)', () => {
  it('pauses the run at its weight with exit 5: nothing reverted, the record keeps the verdict and the evidence', async () => {
    const cluster = stableCluster();
    const run = setup();
    const requests: BakeRequest[] = [];
    const ports = { ...fakePorts(cluster, run.plan), judge: heldJudge(requests) };
    const error = await upgrade({ config: run.config, plan: run.plan, ports, signal: run.controller.signal, progress: 'silent' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeldError);
    const { text, exitCode } = formatError(error);
    expect(exitCode).toBe(5);
    expect(text).toMatch(/weight 10%: held, traffic stays at 90\/10: both revisions break the SLO alike/);
    expect(text).toMatch(/`canary step` goes on .* `canary abort` reverts/);
    const record = storedRun(cluster).record;
    expect(record.outcome).toBe('running');
    expect(record.weight).toBe(10);
    expect(record.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'held']]);
    expect(record.evidence?.ticks).toBe(1);
    expect(record.events.at(-1)?.message).toMatch(/held at 10%/);
    expect(cluster.journal.some((line) => /helm uninstall/.test(line))).toBe(false);
    expect(cluster.route.spec.rules?.[0]?.backendRefs?.map((b) => b.weight)).toEqual([90, 10]);
    expect(requests[0]?.heldAccepted).toBe(false);
  });

  it('`canary step` goes on to the next weight with the recorded evidence and the hold accepted; `canary abort` reverts', async () => {
    const cluster = stableCluster();
    const run = setup();
    const requests: BakeRequest[] = [];
    const options = () => ({ config: run.config, plan: run.plan, ports: { ...fakePorts(cluster, run.plan), judge: heldJudge(requests) }, signal: run.controller.signal, progress: 'silent' as const });
    await upgrade(options()).catch(() => undefined);
    const record = await step(options(), storedRun(cluster), undefined);
    expect(record.steps.map((s) => [s.weight, s.verdict?.kind])).toEqual([[10, 'held'], [50, 'pass']]);
    expect(requests[1]?.heldAccepted).toBe(true);
    expect(requests[1]?.evidence?.ticks).toBe(1);
    expect(record.evidence?.ticks).toBe(2);
    const before = structuredClone(routeSpec(cluster));
    const aborted = await abortRun(options(), storedRun(cluster));
    expect(aborted.outcome).toBe('reverted');
    expect(routeSpec(cluster)).not.toEqual(before);
    expect(cluster.route.spec.rules?.[0]?.backendRefs?.map((b) => b.namespace)).toEqual(['bookinfo-1-29-6']);
  });
});
