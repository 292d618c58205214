import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canary } from '../cli/fake-io.js';

/**
 * `canary plan` is what a user copies commands from and what `--dry-run` prints: any change
 * to it must be seen and approved. UPDATE_GOLDEN=1 rewrites the files from the current
 * output; read the diff before committing them.
 */
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string): string {
  return fileURLToPath(new URL(`../../golden/${name}`, import.meta.url));
}

function expectGolden(actual: string, name: string): void {
  const path = golden(name);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/plan/golden.test.ts, then read it`);
    writeFileSync(path, actual);
    return;
  }
  // A string comparison, so vitest prints a line-by-line diff of what changed.
  expect(actual, `canary plan output differs from ${name} (UPDATE_GOLDEN=1 to accept the change)`).toBe(readFileSync(path, 'utf8'));
}

describe('canary plan --from 1.29.6 --to 1.30.3 (golden files)', () => {
  it.each([
    ['text', [], 'plan-1.29.6-1.30.3.txt'],
    ['YAML', ['-o', 'yaml'], 'plan-1.29.6-1.30.3.yaml'],
  ])('prints the %s plan exactly as approved', async (_format, extra, file) => {
    const ran = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3', ...extra]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expectGolden(ran.stdout, file);
  });
});
