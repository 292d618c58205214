// istiod's sidecar injection decision and the patch that carries it out, modelled on
// pkg/kube/inject (release-1.31): injectRequired (inject.go), the config and values istiod reads
// from its ConfigMap istio-sidecar-injector-<rev> (keys `config` and `values`), native sidecar
// detection (DetectNativeSidecar, webhook.go) and the status annotation (getInjectionStatus,
// webhook.go). What the template renders is admission/sidecar-template.ts. Pure.

import type { V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { LabelSelector } from '../model/gateway-api.js';
import { selectorMatches } from '../model/selectors.js';

/** IgnoredNamespaces in pkg/kube/inject/initializer.go. */
export const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const SIDECAR_STATUS = 'sidecar.istio.io/status';

/** The `config` key of istio-sidecar-injector-<rev>, the fields injectRequired reads. */
export interface InjectorConfig {
  policy: string;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
}

export type Decision = { inject: true; reason: string } | { inject: false; reason: string };

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asSelectors = (v: unknown): LabelSelector[] => (Array.isArray(v) ? (v as LabelSelector[]) : []);

/** An unreadable config leaves policy empty, which injectRequired treats as "off". */
export function parseInjectorConfig(text: string | undefined): InjectorConfig {
  let doc: Record<string, unknown> = {};
  try {
    doc = asRecord(parse(text ?? ''));
  } catch {
    doc = {};
  }
  const annotations = Object.fromEntries(Object.entries(asRecord(doc['injectedAnnotations'])).map(([k, v]) => [k, String(v)]));
  return {
    policy: typeof doc['policy'] === 'string' ? doc['policy'] : '',
    neverInjectSelector: asSelectors(doc['neverInjectSelector']),
    alwaysInjectSelector: asSelectors(doc['alwaysInjectSelector']),
    injectedAnnotations: annotations,
  };
}

/** The `values` key (JSON): the chart values the template reads, as a plain tree. */
export function parseInjectorValues(text: string | undefined): Record<string, unknown> {
  try {
    return asRecord(parse(text ?? ''));
  } catch {
    return {};
  }
}

/** A selector that is empty never matches (injectRequired: `!selector.Empty() && Matches`). */
function matchesNonEmpty(selector: LabelSelector, labels: Record<string, string>): boolean {
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  return !empty && selectorMatches(selector, labels);
}

/**
 * injectRequired, in its order: hostNetwork never; ignored namespaces never; the pod's
 * `sidecar.istio.io/inject` label (preferred) or legacy annotation, "true"/"false" (anything else
 * falls back to the default); without one, neverInjectSelector then alwaysInjectSelector; then the
 * policy: `enabled` injects by default, `disabled` only when asked, any other value never.
 */
export function injectRequired(pod: V1Pod, namespace: string, config: InjectorConfig): Decision {
  if (pod.spec?.hostNetwork) return { inject: false, reason: 'hostNetwork' };
  if (IGNORED_NAMESPACES.has(namespace)) return { inject: false, reason: `namespace ${namespace} is ignored` };
  const labels = pod.metadata?.labels ?? {};
  const selector = SIDECAR_INJECT in labels ? labels[SIDECAR_INJECT] : pod.metadata?.annotations?.[SIDECAR_INJECT];
  let explicit: boolean | undefined = selector === 'true' ? true : selector === 'false' ? false : undefined;
  let why = explicit === undefined ? 'default' : `${SIDECAR_INJECT}=${selector}`;
  if (explicit === undefined && config.neverInjectSelector.some((s) => matchesNonEmpty(s, labels))) [explicit, why] = [false, 'neverInjectSelector'];
  if (explicit === undefined && config.alwaysInjectSelector.some((s) => matchesNonEmpty(s, labels))) [explicit, why] = [true, 'alwaysInjectSelector'];
  const reason = `policy ${config.policy || '(none)'}, ${why}`;
  if (config.policy === 'enabled') return { inject: explicit ?? true, reason };
  if (config.policy === 'disabled') return { inject: explicit ?? false, reason };
  return { inject: false, reason: `illegal policy ${JSON.stringify(config.policy)}` };
}

/**
 * Whether istiod renders the proxy as a native sidecar (an init container with restartPolicy
 * Always): ENABLE_NATIVE_SIDECARS (pilot/pkg/features/pilot.go, default "auto") on istiod, and in
 * auto mode DetectNativeSidecar: the pod's node if it has one and it is known, else every node,
 * must run a kubelet of minor >= 33 that go-version can parse. The pod's
 * `sidecar.istio.io/nativeSidecar` annotation then wins (injection-template.yaml, $nativeSidecar).
 */
export function nativeSidecar(mode: string | undefined, nodes: Map<string, string>, pod: V1Pod): boolean {
  const annotation = pod.metadata?.annotations?.['sidecar.istio.io/nativeSidecar'];
  if (annotation) return annotation !== 'false';
  const m = mode ?? 'auto';
  if (m === 'true') return true;
  if (m !== 'auto') return false;
  const own = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
  if (own !== undefined) return kubeletSupportsNative(own);
  return [...nodes.values()].every(kubeletSupportsNative);
}

/** A simplified form of hashicorp/go-version's grammar, which istiod parses kubelet versions with. */
const GO_VERSION = /^[vV]?(\d+(?:\.\d+)*)(?:[-+~]?[0-9A-Za-z.\-+~]*)?$/;

export function kubeletSupportsNative(version: string): boolean {
  const m = GO_VERSION.exec(version);
  if (!m) return false;
  // Segments()[1]: go-version pads a version to three segments.
  const minor = Number(m[1]!.split('.')[1] ?? 0);
  return minor >= 33;
}

/** GetDeployMetaFromPod (pkg/kube/util.go): a generated pod's controller, a Deployment for a ReplicaSet of one. */
export function podOwner(pod: V1Pod): { name: string; kind: string; apiVersion: string } {
  const m = pod.metadata;
  const ref = m?.generateName ? (m.ownerReferences ?? []).find((r) => r.controller) : undefined;
  if (!ref) return { name: m?.name ?? '', kind: 'Pod', apiVersion: 'v1' };
  const hash = m?.labels?.['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(hash)) {
    return { name: ref.name.slice(0, -hash.length - 1), kind: 'Deployment', apiVersion: ref.apiVersion };
  }
  return { name: ref.name || (m?.name ?? ''), kind: ref.kind, apiVersion: ref.apiVersion };
}

/** What the template added, in the template's order (the status annotation lists these). */
export interface Rendered {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  initContainers: V1Container[];
  containers: V1Container[];
  volumes: V1Volume[];
  imagePullSecrets: { name: string }[];
}

/** getInjectionStatus: Go's json.Marshal of SidecarInjectionStatus (nil lists are `null`). */
export function injectionStatus(rendered: Rendered, revision: string): string {
  const names = (xs: { name: string }[]) => (xs.length > 0 ? xs.map((x) => x.name) : null);
  return JSON.stringify({
    initContainers: names(rendered.initContainers),
    containers: names(rendered.containers),
    volumes: names(rendered.volumes as { name: string }[]),
    imagePullSecrets: names(rendered.imagePullSecrets),
    revision: revision || 'default',
  });
}

export type JsonPatchOp = { op: 'add'; path: string; value: unknown };

function mergeByName<T extends { name: string }>(own: T[], added: T[], addedFirst: boolean): T[] {
  const names = new Set(added.map((x) => x.name));
  const kept = own.filter((x) => !names.has(x.name));
  return addedFirst ? [...added, ...kept] : [...kept, ...added];
}

/**
 * The patch, as whole fields (an `add` on an existing member replaces it, RFC 6902): istiod diffs
 * the merged pod against the original; the pod the apiserver stores is the same. Order as
 * reorderPod (webhook.go): the proxy container last; without native sidecars istio-validation
 * first and istio-init last among init containers; with them istio-init/validation, then the
 * proxy, then the pod's own. Template volumes come first. Containers already in the pod under
 * the same name (a user's istio-proxy) are replaced by the template's.
 */
export function injectionPatch(pod: V1Pod, rendered: Rendered, revision: string, injectedAnnotations: Record<string, string>): JsonPatchOp[] {
  const spec = pod.spec ?? { containers: [] };
  const init = rendered.initContainers;
  const own = spec.initContainers ?? [];
  const native = init.some((c) => c.name === 'istio-proxy');
  const first = init.filter((c) => c.name !== 'istio-init');
  const last = init.filter((c) => c.name === 'istio-init');
  const initContainers = native ? mergeByName(own, init, true) : mergeByName(mergeByName(own, first, true), last, false);
  // applyMetadata: the status annotation, then injectedAnnotations over everything.
  const status = { [SIDECAR_STATUS]: injectionStatus(rendered, revision) };
  const annotations = { ...(pod.metadata?.annotations ?? {}), ...rendered.annotations, ...status, ...injectedAnnotations };
  const ops: JsonPatchOp[] = [
    { op: 'add', path: '/metadata/labels', value: { ...(pod.metadata?.labels ?? {}), ...rendered.labels } },
    { op: 'add', path: '/metadata/annotations', value: annotations },
    { op: 'add', path: '/spec/containers', value: mergeByName(spec.containers ?? [], rendered.containers, false) },
    { op: 'add', path: '/spec/volumes', value: mergeByName(spec.volumes ?? [], rendered.volumes, true) },
  ];
  if (initContainers.length > 0) ops.push({ op: 'add', path: '/spec/initContainers', value: initContainers });
  if (rendered.imagePullSecrets.length > 0) {
    const secrets = mergeByName((spec.imagePullSecrets ?? []) as { name: string }[], rendered.imagePullSecrets, false);
    ops.push({ op: 'add', path: '/spec/imagePullSecrets', value: secrets });
  }
  return ops;
}
