import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditMark, auditSince, describeEvent, fromProduct, isMutating, settleAudit } from '../support/audit-log.js';
import { badInput, DEMO_CONFIG, materialize, namesField, type BadInput } from '../support/bad-input.js';
import { canaryInProcess, type CliRun } from '../support/cli-in-process.js';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { FROM, TO, root } from './support.js';

/**
 * Issue 9, bad input against the real cluster: generated malformed input (as in the unit
 * tier), plus input that is well-formed but wrong for this cluster (preflight refuses it),
 * in-process for speed and a sample as real processes; each exits 2 naming the field, and
 * the apiserver's audit log shows not one mutating request from ambient-canary for any of
 * them. Counts: BAD_INPUT_E2E_RUNS (generated, default 120), BAD_INPUT_CLUSTER_RUNS
 * (preflight-level, default 16), BAD_INPUT_PROCESSES (real processes, default 8).
 */
const RUNS = Number(process.env['BAD_INPUT_E2E_RUNS'] ?? 120);
const CLUSTER_RUNS = Number(process.env['BAD_INPUT_CLUSTER_RUNS'] ?? 16);
const PROCESSES = Number(process.env['BAD_INPUT_PROCESSES'] ?? 8);
const VERSIONS = ['--from', FROM, '--to', TO];

/** Well-formed, but naming things this cluster does not have: only preflight can tell. */
const freshName = fc.stringMatching(/^[a-z][a-z0-9]{3,9}$/).map((s) => `zz-${s}`);
const clusterCase: fc.Arbitrary<BadInput> = fc.oneof(
  freshName.map((n) => cluster(['--stable-namespace', n], 'preflight/stable-namespace')),
  freshName.map((n) => cluster(['--route', `istio-ingress/${n}`], 'preflight/route')),
  freshName.map((n) => cluster(['--gateway', `istio-ingress/${n}`], 'preflight/gateway')),
  freshName.map((n) => cluster(['--istio-namespace', n], 'preflight/from-installed')),
  freshName.map((n) => cluster(['--canary-nodes', n], 'preflight/canary-nodes')),
  freshName.map((n) => cluster(['--context', n], '--context')),
  fc.constantFrom('1.28.4', '1.27.0', '1-29-0').map((from) => cluster(['--from', from, '--to', TO], 'preflight/from-installed', [])),
  fc.constantFrom('1.32.1', '1.33.0').map((to) => cluster(['--from', FROM, '--to', to], 'preflight/version-gap', [])),
);

/** `-o json`: no progress lines (in-process they would go to the test's own stdout). */
function cluster(args: string[], field: string, versions = VERSIONS): BadInput {
  return { kind: 'version', verb: 'upgrade', args: [...versions, ...args, '--bake', '2s', '-o', 'json', '--config', DEMO_CONFIG], files: {}, field };
}

interface Outcome {
  readonly how: 'in-process' | 'process';
  readonly argv: readonly string[];
  readonly field: string;
  readonly ran: CliRun;
}
const outcomes: Outcome[] = [];
let mark = 0;
let unlock: () => void;

beforeAll(async () => {
  unlock = await lockDemoState();
  await resetDemoState();
  mark = auditMark(inject('auditLog'));
}, 600_000);
afterAll(() => unlock?.());

async function runCase(c: BadInput, how: Outcome['how']): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'canary-bad-e2e-'));
  const { argv, field, files } = materialize(c, dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const ran =
    how === 'in-process'
      ? await canaryInProcess(argv, { cwd: root })
      : await execa('node', [`${root}bin/canary.js`, ...argv], { cwd: root, env: { CI: 'true' }, reject: false }).then((r) => ({ code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }));
  const outcome = { how, argv, field, ran };
  outcomes.push(outcome);
  return outcome;
}

function expectRefused({ argv, field, ran }: Outcome): void {
  expect(ran.code, `${argv.join(' ')}\n${ran.stderr}`).toBe(2);
  expect(namesField(ran.stderr, field), `expected the message to name ${field}:\n${ran.stderr}`).toBe(true);
}

describe('Given the stable mesh and malformed input (fast-check)', () => {
  it(`When ${RUNS} generated cases run in-process against the cluster, Then each exits 2 naming the field`, async () => {
    await fc.assert(fc.asyncProperty(badInput, async (c) => expectRefused(await runCase(c, 'in-process'))), { numRuns: RUNS });
  }, 300_000);

  it(`When ${CLUSTER_RUNS} cases that only preflight can refuse run in-process, Then each exits 2 naming the check`, async () => {
    await fc.assert(fc.asyncProperty(clusterCase, async (c) => expectRefused(await runCase(c, 'in-process'))), { numRuns: CLUSTER_RUNS });
  }, 300_000);

  it(`When ${PROCESSES} of them run as real processes, Then each exits 2 naming the field`, async () => {
    const half = Math.ceil(PROCESSES / 2);
    for (const c of [...fc.sample(badInput, half), ...fc.sample(clusterCase, PROCESSES - half)]) expectRefused(await runCase(c, 'process'));
  }, 300_000);

  it('Then the audit log shows zero mutating requests from ambient-canary for all of them', async () => {
    await settleAudit();
    const events = auditSince(inject('auditLog'), mark).filter(fromProduct);
    const mutating = events.filter(isMutating);
    console.info(`bad input (e2e): ${outcomes.length} runs (${outcomes.filter((o) => o.how === 'process').length} as processes), all exit 2; ${events.length} requests from ambient-canary, ${mutating.length} mutating`);
    expect(outcomes.length).toBe(RUNS + CLUSTER_RUNS + PROCESSES);
    expect(mutating.map(describeEvent)).toEqual([]);
  });
});
