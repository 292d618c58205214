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

/** The Service the istiod chart names after its revision (templates/service.yaml: istiod-<revision>). */
export function istiodService(revision: string): string {
  return `istiod-${revision}`;
}

/**
 * istio-base's one ValidatingWebhookConfiguration (manifests/charts/base/templates/
 * defaultrevision-validatingwebhookconfiguration.yaml): labelled istio.io/rev=<defaultRevision>,
 * it sends every CREATE/UPDATE of Istio's API groups to Service istiod-<defaultRevision> (istiod
 * when that is "default") in global.istioNamespace.
 */
export const DEFAULT_VALIDATOR = 'istiod-default-validator';

/** The MutatingWebhookConfiguration of the `default` revision tag (istiod chart, templates/revision-tags-mwc.yaml). */
export const DEFAULT_TAG_INJECTOR = 'istio-revision-tag-default';

/** The Helm release name Istio's "Install with Helm" gives the base chart; promote reads the real one from the validator. */
export const BASE_RELEASE = 'istio-base';

/**
 * The CRDs the base chart renders (templates/crds.yaml from files/crd-all.gen.yaml), the same
 * fifteen in release-1.30 and release-1.31 (test/unit/mesh/fixtures/base-1.30.crds.txt).
 */
export const BASE_CRDS: readonly string[] = [
  'trafficextensions.extensions.istio.io',
  'wasmplugins.extensions.istio.io',
  'destinationrules.networking.istio.io',
  'envoyfilters.networking.istio.io',
  'gateways.networking.istio.io',
  'proxyconfigs.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'virtualservices.networking.istio.io',
  'workloadentries.networking.istio.io',
  'workloadgroups.networking.istio.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
  'telemetries.telemetry.istio.io',
];

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
