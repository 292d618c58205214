import type { MutatingWebhookFacts, WebhookConfigurationFacts, WebhookRule } from './cluster-facts.js';
import { REV } from './labels.js';
import { requirements, requirementHolds, selectorProblem, selects, type Labels } from './label-selector.js';

/**
 * Which of Istio's sidecar injectors would the apiserver call for a pod, decided as the
 * apiserver decides (k8s.io/apiserver pkg/admission/plugin/webhook/generic/webhook.go,
 * ShouldCallHook): the namespaceSelector against the namespace's labels, the objectSelector
 * against the pod's, a rule for CREATE of core v1 pods, then the matchConditions. Pure.
 */

export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const TAG = 'istio.io/tag';

/** A pod the canary copy would create: the Deployment it comes from, and its template's labels. */
export interface CanaryPod {
  /** `bookinfo/reviews`: the stable Deployment, the one the user edits. */
  readonly deployment: string;
  readonly labels: Labels;
}

export interface InjectorHit {
  /** The MutatingWebhookConfiguration and its webhook, e.g. istio-revision-tag-default, object.sidecar-injector.istio.io. */
  readonly configuration: string;
  readonly webhook: string;
  /** The istiod revision it calls, and the tag it stands for (its configuration's istio.io/rev, istio.io/tag). */
  readonly revision: string | undefined;
  readonly tag: string | undefined;
  readonly failurePolicy: string;
  /** `may`: its selectors and rules pick the pod, but the apiserver decides the rest at run time (see caveat). */
  readonly certainty: 'selects' | 'may';
  readonly caveat: string | undefined;
}

/** One label change, on the canary namespace or on the Deployment's pod template. */
export interface LabelChange {
  readonly on: 'namespace' | 'pod-template';
  readonly action: 'remove' | 'set';
  readonly key: string;
  readonly value: string;
}

export interface PodInjection {
  readonly pod: CanaryPod;
  readonly hits: readonly InjectorHit[];
  /** A single change that leaves no injector selecting the pod (checked by evaluating again), if one does. */
  readonly fix: LabelChange | undefined;
}

/**
 * Istio's injectors: the istiod chart names every injector webhook `<prefix>sidecar-injector.istio.io`
 * and points it at istiod's `/inject` path (templates/mutatingwebhook.yaml, revision-tags-mwc.yaml;
 * istiodRemote.injectionPath/injectionURL for remote control planes).
 */
export function isIstioInjector(w: MutatingWebhookFacts): boolean {
  if (w.name.endsWith('sidecar-injector.istio.io')) return true;
  if (w.service?.path?.startsWith('/inject')) return true;
  return w.url !== undefined && urlPath(w.url).startsWith('/inject');
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/**
 * One rule for CREATE of pods in core v1, as k8s.io/apiserver pkg/admission/plugin/webhook/predicates/rules
 * matches it: `*` is a wildcard everywhere, `pods/*` and `*\/*` also match the pods resource itself
 * (the subresource part matches the empty one), scope Namespaced or `*`. matchPolicy Equivalent adds
 * the same resource served in other groups or versions: core pods are served only as v1, so Exact and
 * Equivalent agree for them.
 */
export function interceptsPodCreate(rules: readonly WebhookRule[]): boolean {
  const has = (items: readonly string[], want: string): boolean => items.includes('*') || items.includes(want);
  const pods = (resource: string): boolean => {
    const [res, sub = ''] = resource.split('/', 2) as [string, string?];
    return (res === '*' || res === 'pods') && (sub === '*' || sub === '');
  };
  const scoped = (scope: string | undefined): boolean => scope === undefined || scope === '*' || scope === 'Namespaced';
  return rules.some((r) => scoped(r.scope) && has(r.operations, 'CREATE') && has(r.apiGroups, '') && has(r.apiVersions, 'v1') && r.resources.some(pods));
}

/**
 * The apiserver's decision for one webhook, in ShouldCallHook's order: a selector that does
 * not match skips the webhook; one that cannot be parsed refuses the request outright (if a
 * rule matches), whatever the failurePolicy. matchConditions are CEL over the whole request
 * (user, object, namespace object), which ambient-canary does not evaluate: a webhook with any
 * is `may`, because its selectors and rules already pick the pod and only a condition could spare it.
 */
export function webhookDecision(w: MutatingWebhookFacts, namespace: Labels, pod: Labels): Pick<InjectorHit, 'certainty' | 'caveat'> | undefined {
  const nsProblem = selectorProblem(w.namespaceSelector);
  if (!nsProblem && !selects(w.namespaceSelector, namespace)) return undefined;
  const podProblem = selectorProblem(w.objectSelector);
  if (!podProblem && !selects(w.objectSelector, pod)) return undefined;
  if (!interceptsPodCreate(w.rules)) return undefined;
  const problem = nsProblem ?? podProblem;
  if (problem) return { certainty: 'may', caveat: `its selector cannot be parsed (${problem}): the apiserver refuses every pod it judges` };
  if (w.matchConditions.length > 0) return { certainty: 'may', caveat: `its matchConditions (${w.matchConditions.join(', ')}) are CEL, not evaluated here` };
  return { certainty: 'selects', caveat: undefined };
}

/** Every Istio injector the apiserver would call for a pod with these labels in a namespace with these. */
export function injectorsFor(configs: readonly WebhookConfigurationFacts[], namespace: Labels, pod: Labels): InjectorHit[] {
  return configs.flatMap((c) =>
    c.webhooks.filter(isIstioInjector).flatMap((w): InjectorHit[] => {
      const decision = webhookDecision(w, namespace, pod);
      if (!decision) return [];
      return [{ configuration: c.name, webhook: w.name, revision: c.labels[REV], tag: c.labels[TAG], failurePolicy: w.failurePolicy ?? 'Fail', ...decision }];
    }),
  );
}

/**
 * Labels present because a selector asks for them (In, Exists, matchLabels): removing one
 * may spare the pod. Absence-based requirements (NotIn, DoesNotExist) are never the cause.
 */
function causes(w: MutatingWebhookFacts, namespace: Labels, pod: Labels): LabelChange[] {
  const present = (on: LabelChange['on'], selector: MutatingWebhookFacts['namespaceSelector'], labels: Labels): LabelChange[] =>
    requirements(selector)
      .filter((r) => (r.operator === 'In' || r.operator === 'Exists') && requirementHolds(r, labels))
      .map((r) => ({ on, action: 'remove', key: r.key, value: labels[r.key] as string }));
  return [...present('pod-template', w.objectSelector, pod), ...present('namespace', w.namespaceSelector, namespace)];
}

function applied(change: LabelChange, labels: Labels): Labels {
  const { [change.key]: _old, ...rest } = labels;
  return change.action === 'remove' ? rest : { ...rest, [change.key]: change.value };
}

/** Istio's own opt-out, honoured by every webhook of the chart and by istiod (inject.go, injectRequired). */
const OPT_OUT: LabelChange = { on: 'pod-template', action: 'set', key: SIDECAR_INJECT, value: 'false' };

/** The first candidate change after which no injector selects the pod. */
function fixFor(configs: readonly WebhookConfigurationFacts[], namespace: Labels, pod: CanaryPod, hits: readonly InjectorHit[]): LabelChange | undefined {
  const hitWebhooks = configs.flatMap((c) => c.webhooks.filter((w) => hits.some((h) => h.configuration === c.name && h.webhook === w.name)));
  const candidates = new Map<string, LabelChange>();
  // What the user controls first (the pod template: a label it carries, then Istio's opt-out); the namespace's labels are ambient-canary's.
  const all = hitWebhooks.flatMap((w) => causes(w, namespace, pod.labels));
  for (const c of [...all.filter((x) => x.on === 'pod-template'), OPT_OUT, ...all.filter((x) => x.on === 'namespace')]) {
    const key = `${c.on} ${c.action} ${c.key}`;
    if (!candidates.has(key)) candidates.set(key, c);
  }
  return [...candidates.values()].find((c) => {
    const ns = c.on === 'namespace' ? applied(c, namespace) : namespace;
    const labels = c.on === 'pod-template' ? applied(c, pod.labels) : pod.labels;
    return injectorsFor(configs, ns, labels).length === 0;
  });
}

/**
 * For each pod the canary would create, the injectors that would select it and the one label
 * change that spares it. Pods no injector selects are left out.
 */
export function canaryInjection(configs: readonly WebhookConfigurationFacts[], namespace: Labels, pods: readonly CanaryPod[]): PodInjection[] {
  return pods.flatMap((pod) => {
    const hits = injectorsFor(configs, namespace, pod.labels);
    return hits.length === 0 ? [] : [{ pod, hits, fix: fixFor(configs, namespace, pod, hits) }];
  });
}
