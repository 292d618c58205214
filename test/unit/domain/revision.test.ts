import { describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, minorDistance, parseRevision, revisionName, type Version } from '../../../src/domain/revision.js';

function version(text: string): Version {
  const parsed = parseRevision(text);
  if (!parsed) throw new Error(`test setup: ${text} does not parse`);
  return parsed.version;
}

describe('parseRevision', () => {
  it.each([
    ['1.30.3', '1.30.3', '1-30-3'],
    ['v1.30.3', '1.30.3', '1-30-3'],
    [' 1.30.3 ', '1.30.3', '1-30-3'],
    ['1.30.0-beta.1', '1.30.0-beta.1', '1-30-0-beta-1'],
    ['1.30.0-RC.2', '1.30.0-rc.2', '1-30-0-rc-2'],
    ['0.0.1', '0.0.1', '0-0-1'],
    ['1-30-3', '1.30.3', '1-30-3'],
    ['1-30-0-beta-1', '1.30.0-beta.1', '1-30-0-beta-1'],
    ['1.30.10', '1.30.10', '1-30-10'],
  ])('reads %j as version %s, revision name %s', (input, formatted, name) => {
    const rev = parseRevision(input);
    expect(rev && formatVersion(rev.version)).toBe(formatted);
    expect(rev?.name).toBe(name);
  });

  it('keeps the parts of the version as numbers', () => {
    expect(parseRevision('1.30.3')?.version).toEqual({ major: 1, minor: 30, patch: 3, prerelease: undefined });
  });

  it.each([
    ['1.30', 'missing the patch'],
    ['latest', 'a tag, not a version'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['1.30.3.4', 'four parts'],
    ['01.30.3', 'a leading zero'],
    ['1.030.3', 'a leading zero in the minor'],
    ['1.30.x', 'a wildcard'],
    ['1.30.3+build.7', 'build metadata'],
    ['1-30', 'a short revision name'],
    ['v1-30-3', 'a v before a revision name'],
    ['1-30-3-', 'a revision name ending in a dash'],
    ['1_30_3', 'underscores'],
    ['1.30.0-', 'an empty pre-release'],
    [`1.30.0-${'a'.repeat(57)}`, 'a revision name of 64 characters'],
  ])('refuses %j (%s)', (input) => {
    expect(parseRevision(input)).toBeUndefined();
  });

  it('accepts a revision name of exactly 63 characters, the Kubernetes label limit', () => {
    const input = `1.30.0-${'a'.repeat(56)}`;
    expect(parseRevision(input)?.name).toHaveLength(63);
  });
});

describe('version and revision name round trip', () => {
  it.each(['1.30.3', '1.29.6', '1.30.0-beta.1', '1.30.0-alpha.0', '2.0.0-rc.12', '10.100.1000'])(
    '%s -> name -> version gives it back',
    (text) => {
      const name = revisionName(version(text));
      const back = parseRevision(name);
      expect(back && formatVersion(back.version)).toBe(text);
      expect(back?.name).toBe(name);
    },
  );
});

/** Semver's own precedence example, lowest first. */
const ORDERED = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '1.2.0', '1.10.0', '2.0.0'];

describe('compareVersions', () => {
  const pairs = ORDERED.flatMap((a, i) => ORDERED.slice(i + 1).map((b) => [a, b] as const));

  it.each(pairs)('%s sorts before %s', (a, b) => {
    expect(compareVersions(version(a), version(b))).toBeLessThan(0);
    expect(compareVersions(version(b), version(a))).toBeGreaterThan(0);
  });

  it.each(ORDERED)('%s equals itself', (a) => {
    expect(compareVersions(version(a), version(a))).toBe(0);
  });

  it.each([
    ['1.30.0-beta.1', '1.30.0', 'a pre-release comes before its release'],
    ['1.30.9', '1.30.10', 'patch numbers compare as numbers, not text'],
    ['1.30.0-beta.9', '1.30.0-beta.10', 'numeric identifiers compare as numbers'],
    ['1.30.0-1', '1.30.0-alpha', 'a numeric identifier comes before an alphanumeric one'],
    ['1.29.6', '1.30.3', 'an older minor comes first'],
  ])('%s < %s: %s', (a, b) => {
    expect(compareVersions(version(a), version(b))).toBeLessThan(0);
  });

  it('treats v1.30.3 and the revision name 1-30-3 as the same version', () => {
    expect(compareVersions(version('v1.30.3'), version('1-30-3'))).toBe(0);
  });
});

describe('minorDistance', () => {
  it.each([
    ['1.29.6', '1.30.3', 1],
    ['1.28.0', '1.30.3', 2],
    ['1.30.3', '1.28.0', 2],
    ['1.30.0', '1.30.9', 0],
    ['1.30.0-beta.1', '1.31.0', 1],
    ['1.30.3', '2.0.0', Number.POSITIVE_INFINITY],
  ])('%s -> %s is %s minor version(s) apart', (from, to, distance) => {
    expect(minorDistance(version(from), version(to))).toBe(distance);
  });
});
