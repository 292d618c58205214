import { fail, pass, type CheckResult } from '../checks.js';
import { DATAPLANE_MODE, INJECTION } from '../labels.js';
import { listed, type PreflightInput } from './input.js';

/**
 * Sidecars that cannot speak HBONE cannot reach ambient workloads through ztunnel. Istio's
 * ambient migration assistant fails on every istio-proxy container without
 * ISTIO_META_ENABLE_HBONE and says to upgrade with the ambient profile and restart the pod
 * (istio/istio istioctl/pkg/ambient/migrate.go, checkSidecarsSupportAmbient); so do we,
 * listing them by namespace.
 */
export function sidecarsHbone({ mesh, config }: PreflightInput): CheckResult {
  // A pod marked injected but running no proxy has nothing to speak HBONE with (istio-cni still skips it: stable-sidecars).
  const proxies = mesh.sidecars.filter((s) => s.proxy);
  const old = proxies.filter((s) => !s.hbone);
  if (old.length === 0) {
    const n = proxies.length;
    return pass('sidecars-hbone', 'sidecars', n === 0 ? 'no pod runs an istio-proxy sidecar' : `all ${n} pod(s) with an istio-proxy sidecar have ISTIO_META_ENABLE_HBONE`);
  }
  const byNamespace = new Map<string, string[]>();
  for (const s of old) byNamespace.set(s.namespace, [...(byNamespace.get(s.namespace) ?? []), s.name]);
  const where = [...byNamespace.entries()].map(([ns, pods]) => `${ns}: ${listed(pods, 3)}`);
  const first = [...byNamespace.keys()][0] as string;
  return fail(
    'sidecars-hbone',
    'sidecars',
    `${old.length} pod(s) run an istio-proxy sidecar without ISTIO_META_ENABLE_HBONE, so they cannot reach ambient workloads: ${listed(where, 5)}`,
    `upgrade their istiod with the ambient profile (helm upgrade <istiod release> istio/istiod -n ${config.istio.namespace} --reuse-values --set profile=ambient), then restart them: kubectl -n ${first} rollout restart deployment`,
  );
}

/**
 * A namespace labelled both for sidecar injection and for ambient gets sidecars (injection
 * wins), so its pods are not the ambient workloads the labels promise.
 */
export function mixedNamespaces({ mesh }: PreflightInput): CheckResult {
  const mixed = mesh.namespaces.filter((ns) => ns.labels[INJECTION] === 'enabled' && ns.labels[DATAPLANE_MODE] === 'ambient').map((ns) => ns.name);
  if (mixed.length === 0) return pass('namespace-modes', 'sidecars', `no namespace is labelled both ${INJECTION}=enabled and ${DATAPLANE_MODE}=ambient`);
  const first = mixed[0] as string;
  return fail(
    'namespace-modes',
    'sidecars',
    `${mixed.length} namespace(s) labelled both ${INJECTION}=enabled and ${DATAPLANE_MODE}=ambient: ${listed(mixed)}`,
    `choose one mode: for ambient, kubectl label namespace ${first} ${INJECTION}- and restart its pods (kubectl -n ${first} rollout restart deployment)`,
  );
}
