/**
 * An Istio revision: the version it runs and the DNS-safe name Istio's charts use for
 * `revision` (1.30.3 -> 1-30-3), which also names istiod-<rev>, ztunnel-<rev> and the
 * per-revision application namespace.
 */
export interface Revision {
  readonly version: Version;
  /** `1-30-3`, or `1-30-0-beta-1` for a pre-release. */
  readonly name: string;
}

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string | undefined;
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;
const REVISION_NAME = /^(0|[1-9]\d*)-(0|[1-9]\d*)-(0|[1-9]\d*)(?:-([0-9a-z-]+))?$/;
/** Kubernetes label values and DNS labels are at most 63 characters. */
const MAX_NAME = 63;

/** Parses `1.30.3`, `v1.30.3`, `1.30.0-beta.1` or the revision name `1-30-3`. */
export function parseRevision(input: string): Revision | undefined {
  const text = input.trim();
  const semver = SEMVER.exec(text);
  const match = semver ?? REVISION_NAME.exec(text);
  if (!match) return undefined;
  const prerelease = match[4]?.toLowerCase();
  if (prerelease !== undefined && !semver && prerelease.endsWith('-')) return undefined;
  const version: Version = {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: semver ? prerelease : prerelease?.replaceAll('-', '.'),
  };
  const name = revisionName(version);
  if (name.length > MAX_NAME || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return undefined;
  return { version, name };
}

export function formatVersion(v: Version): string {
  const core = `${v.major}.${v.minor}.${v.patch}`;
  return v.prerelease ? `${core}-${v.prerelease}` : core;
}

export function revisionName(v: Version): string {
  const core = `${v.major}-${v.minor}-${v.patch}`;
  return v.prerelease ? `${core}-${v.prerelease.replace(/[^0-9a-z]+/g, '-')}` : core;
}

/** Semver precedence: negative when a < b. A pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** How many minor versions apart two revisions are (same major only). */
export function minorDistance(from: Version, to: Version): number {
  if (from.major !== to.major) return Number.POSITIVE_INFINITY;
  return Math.abs(to.minor - from.minor);
}
