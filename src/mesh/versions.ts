import type { Version } from '../domain/revision.js';

/**
 * Kubernetes minor versions each Istio minor supports, as Istio publishes them
 * (istio.io/latest/docs/releases/supported-releases/, rendered from istio/istio.io
 * data/compatibility/supportStatus.yml, field `k8sVersions`). Add a row when Istio releases
 * a minor version; a target missing here gets a warning, not a refusal.
 */
export const SUPPORTED_KUBERNETES: Readonly<Record<string, readonly [min: number, max: number]>> = {
  '1.23': [27, 30],
  '1.24': [28, 31],
  '1.25': [29, 32],
  '1.26': [29, 33],
  '1.27': [29, 33],
  '1.28': [30, 34],
  '1.29': [31, 35],
  '1.30': [32, 36],
};

export const KUBERNETES_SOURCE = 'istio.io/latest/docs/releases/supported-releases';

/** `v1.37.2`, `v1.30.4-gke.1348000`, `v1.29.3+k3s1` -> { major, minor }. */
export function kubernetesMinor(gitVersion: string): { major: number; minor: number } | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export type KubernetesSupport =
  | { readonly kind: 'supported' | 'too-old' | 'newer-than-tested'; readonly range: string }
  | { readonly kind: 'unknown-target' | 'unknown-server' };

/**
 * Like `istioctl x precheck`, only a server older than the minimum is refused; a newer one is
 * outside what Istio tested, which a user may accept (a warning).
 */
export function kubernetesSupport(target: Version, gitVersion: string): KubernetesSupport {
  const row = SUPPORTED_KUBERNETES[`${target.major}.${target.minor}`];
  if (!row) return { kind: 'unknown-target' };
  const server = kubernetesMinor(gitVersion);
  if (!server || server.major !== 1) return { kind: 'unknown-server' };
  const range = `1.${row[0]}–1.${row[1]}`;
  if (server.minor < row[0]) return { kind: 'too-old', range };
  if (server.minor > row[1]) return { kind: 'newer-than-tested', range };
  return { kind: 'supported', range };
}

/** `v3.22.0+g1a2b3c`, `v4.0.1` -> [major, minor]; undefined when helm printed something else. */
export function helmVersion(short: string): [number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.\d+/.exec(short);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The oldest Helm the run works with: `--labels` on install and upgrade, which marks the
 * releases ambient-canary owns, arrived in Helm 3.13.0 (helm/helm PR #10533).
 */
export const MIN_HELM: readonly [number, number] = [3, 13];

export function helmRecentEnough(v: readonly [number, number]): boolean {
  return v[0] > MIN_HELM[0] || (v[0] === MIN_HELM[0] && v[1] >= MIN_HELM[1]);
}

/** Minor versions from `from` to `to` (negative for a downgrade); majors other than 1 count 100 apart. */
export function minorDistance(from: Version, to: Version): number {
  return (to.major - from.major) * 100 + (to.minor - from.minor);
}
