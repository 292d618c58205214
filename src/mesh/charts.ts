import type { Version } from '../domain/revision.js';
import { compareVersions } from '../domain/revision.js';

/**
 * Istio's Helm charts as far as an ambient canary needs them. Value keys are set at the
 * top level, as Istio's docs do (the charts keep defaults under
 * `_internal_defaults_do_not_set`).
 */
export const CHARTS = {
  base: 'base',
  istiod: 'istiod',
  cni: 'cni',
  ztunnel: 'ztunnel',
} as const;

export const DEFAULT_CHART_REPO = 'https://blob.istio.io/istio-release/charts';
export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

export function istiodRelease(revision: string): string {
  return `istiod-${revision}`;
}

export function ztunnelRelease(revision: string): string {
  return `ztunnel-${revision}`;
}

/**
 * The first Istio version whose chart has each value we rely on (ISTIO-FACTS.md, "Value
 * history"). An older target cannot run a second, node-pinned ztunnel. Only values the plan
 * sets belong here: ztunnel `tolerations` (1.27+) is not set (its defaults tolerate every taint).
 */
export const VALUE_SINCE: Readonly<Record<string, Version>> = {
  'ztunnel.revision': v(1, 20),
  'ztunnel.nodeSelector': v(1, 23),
  'ztunnel.resourceName': v(1, 25),
  'istiod.trustedZtunnelName': v(1, 26),
};

function v(major: number, minor: number): Version {
  return { major, minor, patch: 0, prerelease: undefined };
}

/** The chart values the target version lacks, e.g. `ztunnel.resourceName (1.25+)`. */
export function missingValues(target: Version): string[] {
  return Object.entries(VALUE_SINCE)
    .filter(([, since]) => compareVersions({ ...target, prerelease: undefined }, since) < 0)
    .map(([key, since]) => `${key} (${since.major}.${since.minor}+)`);
}
