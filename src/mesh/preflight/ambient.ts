import { formatVersion, parseRevision } from '../../domain/revision.js';
import { servedKey, type ServedKind } from '../cluster-facts.js';
import { fail, pass, warn, type CheckResult } from '../checks.js';
import { daemonSetSelects } from '../scheduling.js';
import { minorDistance } from '../versions.js';
import { listed, stableIstiod, type PreflightInput } from './input.js';

const GATEWAY = 'gateway.networking.k8s.io';

/**
 * Gateway API kinds the run uses, at the version it uses them: the route (HTTPRoute v1, GA
 * since Gateway API v1.0), its Gateway, and the ReferenceGrant it writes (v1beta1).
 * `istioctl x precheck` likewise requires v1 of Gateway, GatewayClass, HTTPRoute and
 * ReferenceGrant CRDs when they exist (istioctl/pkg/precheck/precheck.go, checkGatewayAPIs).
 */
export const GATEWAY_API_KINDS: readonly ServedKind[] = [
  { crd: `httproutes.${GATEWAY}`, version: 'v1' },
  { crd: `gateways.${GATEWAY}`, version: 'v1' },
  { crd: `gatewayclasses.${GATEWAY}`, version: 'v1' },
  { crd: `referencegrants.${GATEWAY}`, version: 'v1beta1' },
];

/** Istio's CRDs (istio/istio manifests/charts/base, crd-all.gen.yaml) every istiod revision watches. */
export const ISTIO_CRDS: readonly string[] = [
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
  'destinationrules.networking.istio.io',
  'gateways.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'virtualservices.networking.istio.io',
  'workloadentries.networking.istio.io',
  'workloadgroups.networking.istio.io',
  'telemetries.telemetry.istio.io',
  'wasmplugins.extensions.istio.io',
];

/** The CNI agent is a cluster singleton (never canaried): present and Ready on every node it should run on. */
export function cniReady({ facts, mesh }: PreflightInput): CheckResult {
  const ds = mesh.cni;
  const install = 'install it: helm install istio-cni istio/cni -n istio-system --set profile=ambient (istio-cni is never canaried)';
  if (!ds) return fail('istio-cni', 'ambient', 'istio-cni is not installed: no DaemonSet istio-cni-node (label k8s-app=istio-cni-node) in any namespace', install);
  const key = `${ds.namespace}/${ds.name}`;
  const readyOn = new Set(mesh.agentPods.filter((p) => p.daemonSet === key && p.ready && p.node).map((p) => p.node as string));
  // Its tolerations cover every taint (Istio's default), so its selector alone says where it belongs.
  const lacking = facts.nodes.filter((n) => daemonSetSelects(ds, n.labels) && !readyOn.has(n.name)).map((n) => n.name);
  if (lacking.length > 0) {
    return fail('istio-cni', 'ambient', `istio-cni is not Ready on ${lacking.length} node(s): ${listed(lacking)}; ambient pods there would get no traffic redirection`, `fix it first: kubectl -n ${ds.namespace} get pods -l k8s-app=istio-cni-node -o wide --field-selector spec.nodeName=${lacking[0]}`);
  }
  return pass('istio-cni', 'ambient', `istio-cni (${key}) is Ready on all ${readyOn.size} node(s)`);
}

/** The CNI agent runs with ambient enabled, and its version is within one minor of the target. */
export function cniAmbient({ config, mesh }: PreflightInput): CheckResult | undefined {
  if (!mesh.cni) return undefined;
  const where = `ConfigMap ${mesh.cni.namespace}/istio-cni-config`;
  const enabled = mesh.cniConfig?.['AMBIENT_ENABLED'];
  const fix = `helm upgrade ${mesh.cni.release ?? 'istio-cni'} istio/cni -n ${mesh.cni.namespace} --reuse-values --set profile=ambient`;
  if (enabled === undefined) return warn('cni-ambient', 'ambient', `could not read AMBIENT_ENABLED from ${where}`, `check it by hand: kubectl -n ${mesh.cni.namespace} get configmap istio-cni-config -o yaml`);
  if (enabled !== 'true') return fail('cni-ambient', 'ambient', `istio-cni runs with ambient disabled (AMBIENT_ENABLED=${enabled} in ${where})`, fix);
  const agent = parseRevision(mesh.cniConfig?.['CURRENT_AGENT_VERSION'] ?? '');
  if (agent && minorDistance(agent.version, config.to.version) > 1) {
    return fail('cni-ambient', 'ambient', `istio-cni ${formatVersion(agent.version)} is more than one minor version behind the target ${formatVersion(config.to.version)}`, `upgrade istio-cni to within one minor version of the target first (Istio supports CNI 1.x with control planes 1.x and 1.x+1), or choose an older --to`);
  }
  return pass('cni-ambient', 'ambient', `istio-cni runs with ambient enabled${agent ? ` (agent ${formatVersion(agent.version)})` : ''}`);
}

/** The running istiod serves ambient (PILOT_ENABLE_AMBIENT, set by profile=ambient); without it, it refuses ztunnel. */
export function istiodAmbient({ config, facts }: PreflightInput): CheckResult | undefined {
  const istiod = stableIstiod(config, facts);
  if (!istiod) return undefined;
  if (istiod.env['PILOT_ENABLE_AMBIENT'] === 'true') return pass('istiod-ambient', 'ambient', `${istiod.name} has PILOT_ENABLE_AMBIENT=true`);
  return fail('istiod-ambient', 'ambient', `${istiod.name} runs without PILOT_ENABLE_AMBIENT=true, so it is not an ambient control plane`, `helm upgrade ${config.istio.stableIstiodRelease} istio/istiod -n ${istiod.namespace} --reuse-values --set profile=ambient`);
}

export function ztunnelPresent({ config, facts }: PreflightInput): CheckResult {
  if (facts.ztunnels.length > 0) return pass('ztunnel', 'ambient', `ztunnel DaemonSet(s) in ${config.istio.namespace}: ${facts.ztunnels.map((d) => d.name).join(', ')}`);
  return fail('ztunnel', 'ambient', `no ztunnel DaemonSet in ${config.istio.namespace}: this is not an ambient mesh`, `install ztunnel (helm install ztunnel-${config.from.name} istio/ztunnel -n ${config.istio.namespace} --set revision=${config.from.name}), or name the right --istio-namespace`);
}

/** Gateway API CRDs present and serving the versions the run uses. */
export function gatewayApi({ facts, mesh }: PreflightInput): CheckResult {
  const missing = GATEWAY_API_KINDS.filter((k) => !mesh.served.includes(servedKey(k)));
  const fix = 'install the Gateway API standard CRDs: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml';
  if (missing.length > 0) {
    const crds = facts.crds.filter((c) => c.endsWith(`.${GATEWAY}`));
    return fail('gateway-api', 'ambient', `the cluster does not serve ${missing.map((k) => `${k.crd} ${k.version}`).join(', ')} (Gateway API CRDs present: ${crds.length > 0 ? listed(crds) : 'none'})`, fix);
  }
  return pass('gateway-api', 'ambient', `Gateway API serves ${GATEWAY_API_KINDS.map((k) => `${k.crd.split('.')[0]} ${k.version}`).join(', ')}`);
}

export function istioCrds({ config, facts }: PreflightInput): CheckResult {
  const missing = ISTIO_CRDS.filter((c) => !facts.crds.includes(c));
  if (missing.length === 0) return pass('istio-crds', 'ambient', `Istio's CRDs are installed (${ISTIO_CRDS.length} checked)`);
  return fail('istio-crds', 'ambient', `Istio CRD(s) missing: ${listed(missing)}`, `install or upgrade the base chart (it owns the CRDs) before the new istiod: helm upgrade --install istio-base istio/base -n ${config.istio.namespace} --version ${formatVersion(config.to.version)}`);
}
