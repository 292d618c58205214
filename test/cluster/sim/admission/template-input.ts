// What the sidecar template reads (the pod, the chart values of istio-sidecar-injector-<rev>,
// the mesh config of istio-<rev>) and the small helpers its parts share. Pure.

import type { V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';

/** The mesh config (ConfigMap istio-<rev>, key `mesh`) fields the template reads. */
export interface MeshDefaults {
  proxyMetadata: Record<string, string>;
  imageType: string | undefined;
  trustDomain: string;
  enablePrometheusMerge: boolean;
}

/** Mesh defaults as istiod's mesh.DefaultMeshConfig has them, overlaid with the ConfigMap's. */
export function parseMeshDefaults(text: string | undefined): MeshDefaults {
  let doc: Record<string, unknown> = {};
  try {
    doc = (parse(text ?? '') as Record<string, unknown> | null) ?? {};
  } catch {
    doc = {};
  }
  const dc = (doc['defaultConfig'] ?? {}) as { proxyMetadata?: Record<string, unknown>; image?: { imageType?: string } };
  return {
    proxyMetadata: Object.fromEntries(Object.entries(dc.proxyMetadata ?? {}).map(([k, v]) => [k, String(v)])),
    imageType: dc.image?.imageType,
    trustDomain: typeof doc['trustDomain'] === 'string' ? doc['trustDomain'] : 'cluster.local',
    enablePrometheusMerge: doc['enablePrometheusMerge'] !== false,
  };
}

export interface TemplateInput {
  pod: V1Pod;
  revision: string;
  values: Record<string, unknown>;
  mesh: MeshDefaults;
  native: boolean;
  /** GetDeployMetaFromPod (pkg/kube/util.go): the pod's controller, a Deployment when it is a ReplicaSet of one. */
  owner: { name: string; kind: string; apiVersion: string };
}

export function at(values: Record<string, unknown>, path: string): unknown {
  let cur: unknown = values;
  for (const key of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}
export const str = (v: unknown, dflt = ''): string => (v === undefined || v === null || v === '' ? dflt : String(v));

/** imageURL + updateImageTypeIfPresent: "default" strips a known variant suffix, others append. */
export function imageUrl(values: Record<string, unknown>, name: string, imageType: string | undefined, annotations: Record<string, string>): string {
  if (name.includes('/')) return name;
  let type = annotations['sidecar.istio.io/proxyImageType'] ?? (imageType || str(at(values, 'global.variant')));
  let tag = str(at(values, 'global.tag'));
  for (const known of ['distroless', 'debug']) if (type && tag.endsWith(`-${known}`)) tag = tag.slice(0, -known.length - 1);
  if (type === 'default') type = '';
  return `${str(at(values, 'global.hub'))}/${name}:${tag}${type ? `-${type}` : ''}`;
}

export const interception = (input: TemplateInput) => input.pod.metadata?.annotations?.['sidecar.istio.io/interceptionMode'] || 'REDIRECT';
export const metadataEnv = (input: TemplateInput): V1EnvVar[] =>
  Object.entries(input.mesh.proxyMetadata).map(([name, value]) => ({ name, value }));

