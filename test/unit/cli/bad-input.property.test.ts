import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInput, materialize, namesField, type BadInput } from '../../support/bad-input.js';
import { canaryInProcess } from '../../support/cli-in-process.js';

/**
 * Issue 9, bad input: generated malformed command lines, canary.yaml files and load
 * profiles each exit 2 with a message naming the bad field — and send no request at all:
 * the kubeconfig points at a listener that counts connections. (The e2e tier repeats this
 * against the real cluster and checks its audit log.) BAD_INPUT_RUNS sets the count.
 */
const RUNS = Number(process.env['BAD_INPUT_RUNS'] ?? 200);
const root = fileURLToPath(new URL('../../..', import.meta.url));

let listener: Server;
let connections = 0;
let kubeconfig: string;
const seen = new Map<BadInput['kind'], number>();

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'canary-bad-input-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:' + port + '"}}]', 'users: [{name: u, user: {token: t}}]', 'contexts: [{name: x, context: {cluster: c, user: u}}]', 'current-context: x', ''].join('\n'));
});
afterAll(() => {
  listener.close();
  console.info(`bad input (unit): ${[...seen].map(([k, n]) => `${k} ${n}`).join(', ')}; ${connections} connection(s) to the cluster`);
});

describe('Given malformed input of every kind (fast-check)', () => {
  it(`When ${RUNS} generated cases run, Then each exits 2 naming the bad field, and none reaches the cluster`, async () => {
    await fc.assert(
      fc.asyncProperty(badInput, async (c) => {
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
        const dir = mkdtempSync(join(tmpdir(), 'canary-case-'));
        const { argv, field, files } = materialize(c, dir);
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        const ran = await canaryInProcess([...argv, '--kubeconfig', kubeconfig], { cwd: root });
        expect(ran.code, `${argv.join(' ')}\n${ran.stderr}`).toBe(2);
        expect(namesField(ran.stderr, field), `expected the message to name ${field}:\n${ran.stderr}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(connections).toBe(0);
    expect(seen.size).toBe(7);
  }, 120_000);
});
