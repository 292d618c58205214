import type { KubeObject } from '../domain/kube-object.js';
import { REV } from '../mesh/labels.js';
import { record, type Json } from './json.js';
import { apiVersionOf, WRITTEN_KINDS } from './copy-kinds.js';
import { rewriteReferences, type Namespaces } from './copy-rewrite.js';
import type { PodPlacement } from './manifests.js';

/**
 * Pure copy of a stable namespace's object into the canary namespace: the user's spec, minus
 * what the server owns, plus our labels, with pods pinned to canary nodes (nodeSelector and
 * the canary taint's toleration: ambient picks the ztunnel by node, not by namespace label).
 *
 * The copy carries no `istio.io/rev` anywhere. On a namespace or a pod that label selects a
 * sidecar injector (the istiod chart's `rev.namespace`/`rev.object` webhooks,
 * manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml), and istiod's
 * injectRequired (pkg/kube/inject/inject.go) has no exception for ambient pods: a canary pod
 * labelled with its revision would run a sidecar, which istio-cni then leaves out of ambient
 * (cni/pkg/util/enablement_selector.go). The ztunnel is chosen by the node, so nothing needs it.
 * Lives in plan/ (pure) because preflight builds the would-be canary pods with this very function.
 */

export interface CloneOptions {
  readonly placement: PodPlacement;
  /** Labels for every copied object (ownership, run). */
  readonly labels: Readonly<Record<string, string>>;
  /** The namespaces references are rewritten between, and the revision a copied waypoint gets. */
  readonly namespaces: Namespaces;
  /** `Kind/name` of the objects whose unfaithful copy the user accepts (`copy.skip`). */
  readonly skip: readonly string[];
}

/** The kinds copied, in apply order (copy-kinds.ts): what pods mount, run as and are protected by comes before the pods. */
export const CLONED_KINDS = WRITTEN_KINDS.map((k) => ({ apiVersion: apiVersionOf(k), kind: k.kind }));

const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'ownerReferences', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const SERVER_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/last-applied-configuration'];
/** Allocated by the apiserver per Service; copying them would collide with the stable Service's. */
const SERVICE_ALLOCATED = ['clusterIP', 'clusterIPs', 'healthCheckNodePort'];




/** The copy of one object, and the references in it that were rewritten to the canary namespace (copy-rewrite.ts). */
export function cloneWithChanges(source: KubeObject, o: CloneOptions): { object: KubeObject; changes: string[] } {
  const object = cloneObject(source, o.namespaces.canary, o);
  return { object, changes: rewriteReferences(object, o.namespaces) };
}

export function cloneObject(source: KubeObject, namespace: string, o: CloneOptions): KubeObject {
  // A JSON round trip gives a deep, plain copy (client models hold Dates and class instances).
  const copy = JSON.parse(JSON.stringify(source)) as KubeObject;
  delete copy['status'];
  const meta = copy.metadata;
  for (const key of SERVER_METADATA) delete meta[key];
  meta.namespace = namespace;
  meta.labels = { ...withoutRevision(meta.labels), ...o.labels };
  if (meta.annotations) {
    for (const key of SERVER_ANNOTATIONS) delete meta.annotations[key];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (copy.kind === 'Service') stripService(copy);
  if (copy.kind === 'ServiceAccount') delete copy['secrets'];
  if (copy.kind === 'Deployment' || copy.kind === 'StatefulSet') pinPods(copy, o);
  return copy;
}

function withoutRevision(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { [REV]: _dropped, ...rest } = labels ?? {};
  return rest;
}

function stripService(svc: KubeObject): void {
  const spec = record(svc['spec']);
  if (!spec) return;
  // `None` is not an address but the user's choice of a headless Service: a copy without it
  // would get a virtual IP, and DNS would answer with that instead of the canary's pods.
  const headless = spec['clusterIP'] === 'None';
  for (const key of SERVICE_ALLOCATED) delete spec[key];
  if (headless) spec['clusterIP'] = 'None';
  // The canary pods carry no istio.io/rev: a selector on it would match none of them.
  const selector = record(spec['selector']);
  if (selector && REV in selector) spec['selector'] = withoutRevision(selector as Record<string, string>);
  for (const port of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    const p = record(port);
    if (p) delete p['nodePort'];
  }
}

/**
 * The Deployment's selector must select its own template (the apiserver refuses it otherwise),
 * and a copy is a new object, so the selector may change: istio.io/rev leaves both.
 */
function dropRevisionFromSelector(spec: Json): void {
  const selector = record(spec['selector']);
  if (!selector) return;
  const matchLabels = record(selector['matchLabels']);
  if (matchLabels && REV in matchLabels) selector['matchLabels'] = withoutRevision(matchLabels as Record<string, string>);
  if (Array.isArray(selector['matchExpressions'])) {
    selector['matchExpressions'] = (selector['matchExpressions'] as unknown[]).filter((e) => record(e)?.['key'] !== REV);
  }
}

function pinPods(deployment: KubeObject, o: CloneOptions): void {
  const spec = record(deployment['spec']);
  const template = record(spec?.['template']);
  if (!spec || !template) return;
  dropRevisionFromSelector(spec);
  const meta = record(template['metadata']);
  if (meta) {
    delete meta['creationTimestamp'];
    const labels = record(meta['labels']);
    if (labels && REV in labels) meta['labels'] = withoutRevision(labels as Record<string, string>);
  }
  const pod = record(template['spec']);
  if (!pod) return;
  // A pod pinned by name to a stable node would never reach a canary one.
  delete pod['nodeName'];
  pod['nodeSelector'] = { ...(record(pod['nodeSelector']) ?? {}), ...o.placement.nodeSelector };
  const tolerations = Array.isArray(pod['tolerations']) ? (pod['tolerations'] as unknown[]) : [];
  const toleration = { ...o.placement.toleration };
  pod['tolerations'] = tolerations.some((t) => sameToleration(record(t), toleration)) ? tolerations : [...tolerations, toleration];
}

const TOLERATION_FIELDS = ['key', 'operator', 'value', 'effect', 'tolerationSeconds'] as const;

function sameToleration(a: Json | undefined, b: Json): boolean {
  return a !== undefined && Object.keys(a).every((k) => (TOLERATION_FIELDS as readonly string[]).includes(k)) && TOLERATION_FIELDS.every((k) => a[k] === b[k]);
}
