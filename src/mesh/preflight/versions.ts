import { compareVersions, formatVersion } from '../../domain/revision.js';
import { missingValues } from '../charts.js';
import { fail, pass, warn, type CheckResult } from '../checks.js';
import { KUBERNETES_SOURCE, kubernetesSupport, minorDistance } from '../versions.js';
import { listed, stableIstiod, stableZtunnel, type PreflightInput } from './input.js';

export function targetValues({ config }: PreflightInput): CheckResult {
  const missing = missingValues(config.to.version);
  return missing.length === 0
    ? pass('target-values', 'versions', `${formatVersion(config.to.version)} charts have every value a node-pinned canary needs`)
    : fail('target-values', 'versions', `Istio ${formatVersion(config.to.version)} charts lack ${missing.join(', ')}`, 'a node-pinned ztunnel canary needs Istio 1.26 or newer as the target; upgrade older meshes in place as Istio documents');
}

/**
 * Target newer than source and at most `maxMinorVersions` minors ahead. istio-cni is never
 * canaried, so it keeps the source version next to the target's istiod and ztunnel; Istio
 * supports CNI 1.x with control planes 1.x and 1.x+1 (istio.io/latest/docs/ambient/upgrade/helm-upgrade).
 */
export function versionGap({ config }: PreflightInput): CheckResult {
  const from = formatVersion(config.from.version);
  const to = formatVersion(config.to.version);
  const minors = minorDistance(config.from.version, config.to.version);
  const max = config.maxMinorVersions;
  if (compareVersions(config.to.version, config.from.version) <= 0) {
    return warn('version-gap', 'versions', `${to} is not newer than ${from}: this is a downgrade`, 'make sure that is meant (--allow-downgrade); Istio only tests upgrades');
  }
  if (minors > max) {
    return fail('version-gap', 'versions', `${to} is ${minors} minor versions ahead of ${from}; at most ${max} allowed (istio-cni stays at ${from} and supports a control plane one minor ahead)`, `upgrade in steps of at most ${max} minor version(s) (for example --to ${config.from.version.major}.${config.from.version.minor + max}.x first), or raise --max-minor-versions if you accept the skew`);
  }
  return pass('version-gap', 'versions', `${from} -> ${to}: ${minors} minor version(s) (at most ${max})`);
}

/** The server's Kubernetes version against what the target Istio supports (a table in versions.ts). */
export function kubernetesVersion({ config, facts }: PreflightInput): CheckResult {
  const to = formatVersion(config.to.version);
  const support = kubernetesSupport(config.to.version, facts.serverVersion);
  const k = facts.serverVersion;
  switch (support.kind) {
    case 'supported':
      return pass('kubernetes', 'versions', `Kubernetes ${k} is supported by Istio ${to} (${support.range})`);
    case 'too-old':
      return fail('kubernetes', 'versions', `Kubernetes ${k} is older than Istio ${to} supports (${support.range}, ${KUBERNETES_SOURCE})`, `upgrade the cluster to Kubernetes ${support.range.split('–')[0]} or newer first, or choose an older --to`);
    case 'newer-than-tested':
      return warn('kubernetes', 'versions', `Kubernetes ${k} is newer than Istio ${to} was tested with (${support.range}, ${KUBERNETES_SOURCE})`, 'it usually works; check the release notes of the target, or choose a newer --to');
    case 'unknown-target':
      return warn('kubernetes', 'versions', `no supported-Kubernetes range is known for Istio ${to}`, `check ${KUBERNETES_SOURCE} for Kubernetes ${k}`);
    case 'unknown-server':
      return warn('kubernetes', 'versions', `the server reports version "${k}", which is not a Kubernetes 1.x version`, `check ${KUBERNETES_SOURCE} by hand`);
  }
}

export function fromInstalled({ config, facts }: PreflightInput): CheckResult {
  const istiod = stableIstiod(config, facts);
  const installed = facts.istiods.map((d) => d.labels['istio.io/rev'] ?? d.name).join(', ') || 'none';
  if (!istiod) return fail('from-installed', 'versions', `revision ${config.from.name} is not installed: no istiod-${config.from.name} in ${config.istio.namespace}`, `check --from (installed revisions: ${installed}) and --istio-namespace`);
  if (istiod.readyReplicas < 1) return fail('from-installed', 'versions', `istiod ${istiod.name} has no Ready replica`, `fix the running control plane first: kubectl -n ${istiod.namespace} describe deployment ${istiod.name}`);
  return pass('from-installed', 'versions', `${istiod.name} is Ready (${istiod.readyReplicas}/${istiod.replicas})`);
}

/**
 * The stable ztunnel Ready on every node labelled for the stable revision (or, before
 * `canary prepare`, on every node it runs on): a node without one has no working data plane.
 */
export function stableZtunnelReady({ config, facts, mesh }: PreflightInput): CheckResult | undefined {
  const ds = stableZtunnel(config, facts);
  if (!ds) return undefined;
  const key = `${ds.namespace}/${ds.name}`;
  const readyOn = new Set(mesh.agentPods.filter((p) => p.daemonSet === key && p.ready && p.node).map((p) => p.node as string));
  const labelled = facts.nodes.filter((n) => n.labels[config.nodes.label] === config.from.name).map((n) => n.name);
  const lacking = labelled.filter((n) => !readyOn.has(n));
  const label = `${config.nodes.label}=${config.from.name}`;
  if (lacking.length > 0) {
    return fail('stable-ztunnel-ready', 'versions', `ztunnel ${ds.name} is not Ready on ${lacking.length} node(s) labelled ${label}: ${listed(lacking)}`, `fix the running data plane first: kubectl -n ${ds.namespace} get pods -o wide -l app=ztunnel --field-selector spec.nodeName=${lacking[0]}`);
  }
  if (ds.ready < ds.desired) {
    return fail('stable-ztunnel-ready', 'versions', `ztunnel ${ds.name} has ${ds.ready} of ${ds.desired} pods Ready`, `fix the running data plane first: kubectl -n ${ds.namespace} describe daemonset ${ds.name}`);
  }
  const where = labelled.length > 0 ? `every node labelled ${label} (${labelled.length})` : `all ${ds.desired} node(s) it runs on`;
  return pass('stable-ztunnel-ready', 'versions', `ztunnel ${ds.name} is Ready on ${where}`);
}
