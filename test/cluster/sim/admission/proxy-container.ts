// The istio-proxy container and the volumes of istiod's `sidecar` template
// (files/injection-template.yaml, release-1.31), for the default settings of the chart: no
// tproxy, no custom bootstrap, no user volumes, pilotCertProvider istiod. Pure.

import type { V1Container, V1EnvVar, V1Volume } from '@kubernetes/client-node';
import { at, imageUrl, interception, metadataEnv, str, type TemplateInput } from './template-input.js';

const fieldEnv = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const limitEnv = (name: string, resource: string): V1EnvVar => ({ name, valueFrom: { resourceFieldRef: { resource, divisor: '1' } } });

function proxyEnv(input: TemplateInput, appContainers: string[]): V1EnvVar[] {
  const rev = str(at(input.values, 'revision'));
  const ns = str(at(input.values, 'global.istioNamespace'), 'istio-system');
  const ports = (input.pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  const { name, kind, apiVersion } = input.owner;
  const owner = `kubernetes://apis/${apiVersion}/namespaces/${input.pod.metadata?.namespace || 'default'}/${kind.toLowerCase()}s/${name}`;
  return [
    { name: 'PILOT_CERT_PROVIDER', value: str(at(input.values, 'global.pilotCertProvider'), 'istiod') },
    { name: 'CA_ADDR', value: str(at(input.values, 'global.caAddress')) || `istiod${rev ? `-${rev}` : ''}.${ns}.svc:15012` },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    limitEnv('ISTIO_CPU_LIMIT', 'limits.cpu'),
    { name: 'ISTIO_META_POD_PORTS', value: JSON.stringify(ports) },
    { name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.join(',') },
    limitEnv('GOMEMLIMIT', 'limits.memory'),
    limitEnv('GOMAXPROCS', 'limits.cpu'),
    { name: 'ISTIO_META_CLUSTER_ID', value: str(at(input.values, 'global.multiCluster.clusterName'), 'Kubernetes') },
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: interception(input) },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: input.pod.metadata?.labels?.['service.istio.io/workload-name'] || name },
    ...(kind !== 'Pod' ? [{ name: 'ISTIO_META_OWNER', value: owner }] : []),
    { name: 'ISTIO_META_MESH_ID', value: input.mesh.trustDomain },
    { name: 'TRUST_DOMAIN', value: input.mesh.trustDomain },
    // proxyMetadata of the mesh config: ISTIO_META_ENABLE_HBONE=true with profile=ambient.
    ...metadataEnv(input),
  ];
}

const MOUNTS: [string, string][] = [
  ['workload-socket', '/var/run/secrets/workload-spiffe-uds'],
  ['credential-socket', '/var/run/secrets/credential-uds'],
  ['workload-certs', '/var/run/secrets/workload-spiffe-credentials'],
  ['istiod-ca-cert', '/var/run/secrets/istio'],
  ['istio-ca-crl', '/var/run/secrets/istio/crl'],
  ['istio-data', '/var/lib/istio/data'],
  ['istio-envoy', '/etc/istio/proxy'],
  ['istio-token', '/var/run/secrets/tokens'],
  ['istio-podinfo', '/etc/istio/pod'],
];

function probes(input: TemplateInput): Pick<V1Container, 'startupProbe' | 'readinessProbe'> {
  const v = (p: string, d: string) => Number(str(at(input.values, `global.proxy.${p}`), d));
  const ready = { httpGet: { path: '/healthz/ready', port: 15021 as never }, timeoutSeconds: 3 };
  const startup = at(input.values, 'global.proxy.startupProbe.enabled') !== false;
  return {
    ...(startup ? { startupProbe: { ...ready, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: v('startupProbe.failureThreshold', '600') } } : {}),
    readinessProbe: {
      ...ready,
      initialDelaySeconds: v('readinessInitialDelaySeconds', '0'),
      periodSeconds: v('readinessPeriodSeconds', '15'),
      failureThreshold: v('readinessFailureThreshold', '4'),
    },
  };
}

export function proxyContainer(input: TemplateInput, appContainers: string[]): V1Container {
  const v = (p: string, d = '') => str(at(input.values, `global.${p}`), d);
  const drain = ['pilot-agent', 'request', `--debug-port=${v('proxy.statusPort', '15020')}`, 'POST', 'drain'];
  return {
    name: 'istio-proxy',
    image: imageUrl(input.values, v('proxy.image', 'proxyv2'), input.mesh.imageType, input.pod.metadata?.annotations ?? {}),
    ...(input.native ? { restartPolicy: 'Always' } : {}),
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    args: [
      'proxy', 'sidecar', '--domain', `$(POD_NAMESPACE).svc.${v('proxy.clusterDomain', 'cluster.local')}`,
      `--proxyLogLevel=${v('proxy.logLevel')}`, `--proxyComponentLogLevel=${v('proxy.componentLogLevel')}`,
      `--log_output_level=${v('logging.level')}`,
    ],
    // A native sidecar drains on preStop (the pod's own containers stop first).
    ...(input.native ? { lifecycle: { preStop: { exec: { command: drain } } } } : {}),
    env: proxyEnv(input, appContainers),
    ...probes(input),
    securityContext: {
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false,
      readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1337, runAsGroup: 1337,
    },
    resources: (at(input.values, 'global.proxy.resources') ?? {}) as V1Container['resources'],
    volumeMounts: MOUNTS.map(([name, mountPath]) => ({ name, mountPath })),
  };
}

export function volumes(input: TemplateInput): V1Volume[] {
  const aud = str(at(input.values, 'global.sds.token.aud'), 'istio-ca');
  const podinfo = ['labels', 'annotations'].map((p) => ({ path: p, fieldRef: { fieldPath: `metadata.${p}` } }));
  const token = { serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: aud } };
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    { name: 'istio-podinfo', downwardAPI: { items: podinfo } },
    { name: 'istio-token', projected: { sources: [token] } },
    { name: 'istiod-ca-cert', configMap: { name: str(at(input.values, 'global.trustBundleName'), 'istio-ca-root-cert') } },
    { name: 'istio-ca-crl', configMap: { name: str(at(input.values, 'pilot.crlConfigMapName'), 'istio-ca-crl'), optional: true } },
  ];
}
