import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../../../src/config/keys.js';
import { VERBS } from '../../../src/cli/verbs.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## The local cluster'));

describe('README stays true to the code', () => {
  it.each(KEYS.map((k) => [k.path, k.flag] as const))('documents the setting %s with its flag --%s', (path, flag) => {
    expect(table).toContain(`| \`${path}\` |`);
    if (flag) expect(table).toContain(`--${flag}\``);
  });

  it('documents no setting that does not exist', () => {
    const documented = [...table.matchAll(/^\| `([a-zA-Z.]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((path) => !KEYS.some((k) => k.path === path))).toEqual([]);
  });

  it.each(VERBS.map((v) => v.name))('mentions `canary %s`', (name) => {
    expect(readme).toContain(`canary ${name}`);
  });
});
