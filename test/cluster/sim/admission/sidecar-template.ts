// What istiod's `sidecar` template (manifests/charts/istio-control/istio-discovery/files/
// injection-template.yaml) renders for a pod, modelled field by field rather than by running the
// Go template: the labels and annotations it adds, the init container (istio-validation when the
// values say pilot.cni.enabled, else istio-init; none with interceptionMode NONE), the
// istio-proxy container (an init container with restartPolicy Always when native sidecars are
// on), and its volumes. Images as ProxyImage/ProxyInitImage (pkg/kube/inject/inject.go):
// <global.hub>/<global.proxy.image>:<global.tag>[-<variant>]. Not modelled: the other templates
// (gateway, grpc-*, waypoint), user volumes, custom bootstrap, probe rewriting, multus, tproxy.
// Pure.

import type { V1Container } from '@kubernetes/client-node';
import type { Rendered } from '../mesh/injection.js';
import { proxyContainer, volumes } from './proxy-container.js';
import { at, imageUrl, interception, metadataEnv, str, type TemplateInput } from './template-input.js';

export { parseMeshDefaults, type MeshDefaults, type TemplateInput } from './template-input.js';

/** metadata.labels and annotations the template adds (annotations are only set when absent). */
function metadata(input: TemplateInput, appContainers: string[]): Pick<Rendered, 'labels' | 'annotations'> {
  const l = input.pod.metadata?.labels ?? {};
  const a = input.pod.metadata?.annotations ?? {};
  const name = l['service.istio.io/canonical-name'] || l['app.kubernetes.io/name'] || l['app'] || input.owner.name;
  const labels: Record<string, string> = {
    'security.istio.io/tlsMode': l['security.istio.io/tlsMode'] || 'istio',
    // trunc 63 | trimAll "-_."
    'service.istio.io/canonical-name': name.slice(0, 63).replace(/^[-_.]+|[-_.]+$/g, ''),
    'service.istio.io/canonical-revision':
      l['service.istio.io/canonical-revision'] || l['app.kubernetes.io/version'] || l['version'] || 'latest',
  };
  if (input.mesh.proxyMetadata['ISTIO_META_ENABLE_HBONE'] === 'true') {
    labels['networking.istio.io/tunnel'] = l['networking.istio.io/tunnel'] || 'http';
  }
  const annotations: Record<string, string> = { 'istio.io/rev': input.revision || 'default' };
  for (const key of ['kubectl.kubernetes.io/default-logs-container', 'kubectl.kubernetes.io/default-container']) {
    if (appContainers[0] && !(key in a)) annotations[key] = appContainers[0];
  }
  if (at(input.values, 'pilot.cni.enabled') === true) annotations['sidecar.istio.io/interceptionMode'] = interception(input);
  // applyPrometheusMerge (webhook.go): the agent serves merged metrics on the status port.
  if (input.mesh.enablePrometheusMerge && a['prometheus.io/scrape'] !== 'false' && a['prometheus.istio.io/merge-metrics'] !== 'false') {
    Object.assign(annotations, { 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
  }
  return { labels, annotations };
}

function initContainer(input: TemplateInput): V1Container {
  const cni = at(input.values, 'pilot.cni.enabled') === true;
  const statusPort = str(at(input.values, 'global.proxy.statusPort'), '15020');
  const proxy = (key: string) => str(at(input.values, `global.proxy.${key}`));
  const args = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', interception(input),
    '-i', proxy('includeIPRanges'), '-x', proxy('excludeIPRanges'), '-b', proxy('includeInboundPorts'),
    '-d', statusPort === '0' ? '15090,15021' : `15090,15021,${statusPort}`,
    `--log_output_level=${str(at(input.values, 'global.logging.level'))}`];
  if (cni) args.push('--run-validation', '--skip-rule-apply');
  const base = { allowPrivilegeEscalation: false, privileged: false };
  // With istio-cni the container only validates the redirection, without privileges.
  const security = cni
    ? { ...base, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsUser: 1337, runAsNonRoot: true }
    : {
        ...base, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0,
      };
  const env = metadataEnv(input);
  const annotations = input.pod.metadata?.annotations ?? {};
  return {
    name: cni ? 'istio-validation' : 'istio-init',
    image: imageUrl(input.values, str(at(input.values, 'global.proxy_init.image'), 'proxyv2'), undefined, annotations),
    args,
    ...(env.length > 0 ? { env } : {}),
    resources: (at(input.values, 'global.proxy.resources') ?? {}) as V1Container['resources'],
    securityContext: security,
  };
}

export function renderSidecar(input: TemplateInput): Rendered {
  const appContainers = (input.pod.spec?.containers ?? []).map((c) => c.name).filter((n) => n !== 'istio-proxy');
  // interceptionMode NONE: no iptables, so no istio-init/istio-validation (native or not).
  const init = interception(input) === 'NONE' ? [] : [initContainer(input)];
  const proxy = proxyContainer(input, appContainers);
  const secrets = (at(input.values, 'global.imagePullSecrets') as string[] | undefined) ?? [];
  return {
    ...metadata(input, appContainers),
    initContainers: input.native ? [...init, proxy] : init,
    containers: input.native ? [] : [proxy],
    volumes: volumes(input),
    imagePullSecrets: secrets.map((name) => ({ name })),
  };
}
