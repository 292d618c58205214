import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../domain/kube-object.js';
import { REV } from '../mesh/labels.js';
import type { CloneOptions } from './ports.js';

/**
 * Pure copy of a stable namespace's object into the canary namespace: the user's spec, minus
 * what the server owns, plus our labels, with pods pinned to canary nodes (nodeSelector and
 * the canary taint's toleration: ambient picks the ztunnel by node, not by namespace label).
 */

/** The kinds copied, in apply order: what pods mount and run as comes before the pods. */
export const CLONED_KINDS = [
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
] as const;

/** Made in every namespace by Kubernetes or istiod themselves; copying them would fight their owners. */
const PER_NAMESPACE = new Set(['ConfigMap/kube-root-ca.crt', 'ConfigMap/istio-ca-root-cert', 'ServiceAccount/default']);

const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'ownerReferences', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const SERVER_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/last-applied-configuration'];
/** Allocated by the apiserver per Service; copying them would collide with the stable Service's. */
const SERVICE_ALLOCATED = ['clusterIP', 'clusterIPs', 'healthCheckNodePort'];

/** Copy what the user made; skip per-namespace objects and anything a controller owns (it makes its own). */
export function shouldCopy(obj: KubeObject): boolean {
  if (PER_NAMESPACE.has(`${obj.kind}/${obj.metadata.name}`)) return false;
  const owners = obj.metadata['ownerReferences'];
  return !(Array.isArray(owners) && owners.length > 0);
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function cloneObject(source: KubeObject, namespace: string, o: CloneOptions): KubeObject {
  // A JSON round trip gives a deep, plain copy (client models hold Dates and class instances).
  const copy = JSON.parse(JSON.stringify(source)) as KubeObject;
  delete copy['status'];
  const meta = copy.metadata;
  for (const key of SERVER_METADATA) delete meta[key];
  meta.namespace = namespace;
  meta.labels = { ...(meta.labels ?? {}), ...o.labels };
  if (meta.annotations) {
    for (const key of SERVER_ANNOTATIONS) delete meta.annotations[key];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (copy.kind === 'Service') stripService(copy);
  if (copy.kind === 'ServiceAccount') delete copy['secrets'];
  if (copy.kind === 'Deployment') pinPods(copy, o);
  return copy;
}

function stripService(svc: KubeObject): void {
  const spec = record(svc['spec']);
  if (!spec) return;
  // `None` is not an address but the user's choice of a headless Service: a copy without it
  // would get a virtual IP, and DNS would answer with that instead of the canary's pods.
  const headless = spec['clusterIP'] === 'None';
  for (const key of SERVICE_ALLOCATED) delete spec[key];
  if (headless) spec['clusterIP'] = 'None';
  for (const port of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    const p = record(port);
    if (p) delete p['nodePort'];
  }
}

function pinPods(deployment: KubeObject, o: CloneOptions): void {
  const template = record(record(deployment['spec'])?.['template']);
  if (!template) return;
  const meta = record(template['metadata']);
  if (meta) {
    delete meta['creationTimestamp'];
    const labels = record(meta['labels']);
    if (labels && REV in labels) labels[REV] = o.revision;
  }
  const pod = record(template['spec']);
  if (!pod) return;
  // A pod pinned by name to a stable node would never reach a canary one.
  delete pod['nodeName'];
  pod['nodeSelector'] = { ...(record(pod['nodeSelector']) ?? {}), ...o.placement.nodeSelector };
  const tolerations = Array.isArray(pod['tolerations']) ? (pod['tolerations'] as unknown[]) : [];
  const toleration = { ...o.placement.toleration };
  pod['tolerations'] = tolerations.some((t) => isDeepStrictEqual(t, toleration)) ? tolerations : [...tolerations, toleration];
}
