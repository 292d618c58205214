import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.js';
import { parseProfile } from '../../../src/load/profile.js';
import { DEFAULT_PROFILE, readLoadProfile } from '../../../src/load/profile-file.js';

describe('parseProfile', () => {
  it('fills defaults for an empty profile', () => {
    expect(parseProfile({}).profile).toEqual({ target: undefined, paths: [{ path: '/', weight: 1 }], headers: {}, connections: 16, rate: 500, durationMs: 60_000, timeoutMs: 2000 });
  });

  it('reads every key', () => {
    const { profile, problems } = parseProfile({
      target: 'http://127.0.0.1:8080/base',
      paths: ['/a', { path: '/b', weight: 3 }],
      headers: { Host: 'bookinfo.example', 'x-n': 7 },
      connections: 32,
      rate: 'open',
      duration: '30s',
      timeout: '5s',
    });
    expect(problems).toEqual([]);
    expect(profile).toEqual({
      target: 'http://127.0.0.1:8080/base',
      paths: [{ path: '/a', weight: 1 }, { path: '/b', weight: 3 }],
      headers: { Host: 'bookinfo.example', 'x-n': '7' },
      connections: 32,
      rate: 'open',
      durationMs: 30_000,
      timeoutMs: 5000,
    });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a list as the document', [1], /^\(document\): expects a mapping/],
    ['an unknown key', { conections: 4 }, /^conections: unknown key/],
    ['a target that is not a URL', { target: 'gateway:80' }, /^target: expects an http/],
    ['a target with credentials, without echoing them', { target: 'http://user:s3cret@127.0.0.1:8080' }, /^target: carries credentials \(user:password@\)(?!.*s3cret)/],
    ['an empty path list', { paths: [] }, /^paths: expects a list/],
    ['a path without a slash', { paths: ['x'] }, /^paths\[0\]\.path: expects a path starting with \//],
    ['a zero weight', { paths: [{ path: '/', weight: 0 }] }, /^paths\[0\]\.weight: expects a whole number from 1 to 1000/],
    ['an unknown key in a path', { paths: [{ path: '/', wieght: 2 }] }, /^paths\[0\]\.wieght: unknown key/],
    ['headers as a list', { headers: ['a'] }, /^headers: expects a mapping/],
    ['a header the generator sets', { headers: { Connection: 'close' } }, /^headers\.Connection: is set by the load generator/],
    ['a header with a line break', { headers: { a: 'b\r\nc: d' } }, /^headers\.a: must not contain line breaks/],
    ['zero connections', { connections: 0 }, /^connections: expects a whole number from 1 to 1000/],
    ['fractional connections', { connections: 2.5 }, /^connections: expects a whole number/],
    ['a negative rate', { rate: -5 }, /^rate: expects requests per second/],
    ['a rate as text', { rate: 'fast' }, /^rate: expects requests per second/],
    ['a rate below the connections', { rate: 4, connections: 8 }, /^rate: 4 requests per second cannot keep 8 connections busy/],
    ['a duration without a unit', { duration: 60 }, /^duration: expects a duration such as 2s/],
    ['a timeout under 2 s', { timeout: '500ms' }, /^timeout: must be at least 2s/],
  ];
  it.each(bad)('refuses %s, naming the field', (_name, doc, message) => {
    const { profile, problems } = parseProfile(doc);
    expect(profile).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(parseProfile({ connections: 0, rate: 'x', timeout: '1s', extra: 1 }).problems.map((p) => p.path)).toEqual(['extra', 'connections', 'rate', 'timeout']);
  });
});

describe('readLoadProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the shipped default profile when none is given', () => {
    expect(DEFAULT_PROFILE).toMatch(/loadtests\/default\.yaml$/);
    expect(readLoadProfile(undefined)).toMatchObject({ rate: 500, connections: 16, timeoutMs: 2000, target: undefined });
  });

  it('reads every shipped profile without a problem', () => {
    expect(readLoadProfile(DEFAULT_PROFILE.replace('default.yaml', 'light.yaml'))).toMatchObject({ rate: 100 });
  });

  it('throws an InputError (exit 2) naming the file and the field', () => {
    const path = file('bad.yaml', 'connections: 0\nrat: 5\n');
    const error = (() => {
      try {
        readLoadProfile(path);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).problems.map((p) => p.path)).toEqual([`${path}: rat`, `${path}: connections`]);
  });

  it('refuses a missing file, invalid YAML, duplicate keys and aliases', () => {
    expect(() => readLoadProfile(join(dir, 'none.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => readLoadProfile(file('broken.yaml', 'paths: [\n'))).toThrow(/is not valid YAML/);
    expect(() => readLoadProfile(file('dup.yaml', 'rate: 5\nrate: 6\n'))).toThrow(/is not valid YAML/);
    expect(() => readLoadProfile(file('alias.yaml', 'headers: &h {a: b}\npaths: *h\n'))).toThrow(InputError);
  });
});
