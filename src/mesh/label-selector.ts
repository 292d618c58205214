import type { LabelSelector, LabelSelectorRequirement } from './cluster-facts.js';

/**
 * Kubernetes label selectors exactly as the apiserver evaluates them
 * (k8s.io/apimachinery pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector, and
 * pkg/labels/selector.go Requirement.Matches):
 * - every `matchLabels` pair is `key In [value]`; every requirement must hold;
 * - In: the key is present with a listed value; NotIn: the key is absent, or its value is not
 *   listed; Exists: present; DoesNotExist: absent;
 * - a selector with neither matchLabels nor matchExpressions matches everything;
 * - In/NotIn need values, Exists/DoesNotExist take none, and no other operator exists
 *   (Gt/Lt are node-selector operators): LabelSelectorAsSelector refuses anything else, and
 *   the apiserver then fails the request instead of deciding (selectorProblem says why).
 * Label key and value syntax is not checked: the apiserver validated them on write.
 */

export type Labels = Readonly<Record<string, string>>;

/** Why the apiserver could not parse this selector, or undefined when it can. */
export function selectorProblem(selector: LabelSelector | undefined): string | undefined {
  for (const r of selector?.matchExpressions ?? []) {
    const values = r.values ?? [];
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (values.length === 0) return `${r.key} ${r.operator} needs at least one value`;
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (values.length > 0) return `${r.key} ${r.operator} takes no values`;
    } else {
      return `"${r.operator}" is not a label selector operator`;
    }
  }
  return undefined;
}

export function requirementHolds(r: LabelSelectorRequirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, r.key);
  const listed = present && (r.values ?? []).includes(labels[r.key] as string);
  switch (r.operator) {
    case 'In':
      return listed;
    case 'NotIn':
      return !listed;
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      return false;
  }
}

/** The selector as requirements: matchLabels first (as `In [value]`), then matchExpressions. */
export function requirements(selector: LabelSelector | undefined): LabelSelectorRequirement[] {
  const pairs = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  return [...pairs, ...(selector?.matchExpressions ?? [])];
}

/**
 * Whether the labels satisfy a valid selector. Undefined is the empty selector: the
 * apiserver defaults a webhook's absent selectors to `{}` (kubernetes
 * pkg/apis/admissionregistration/v1/defaults.go, SetDefaults_MutatingWebhook).
 */
export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  return requirements(selector).every((r) => requirementHolds(r, labels));
}

/**
 * A namespace's labels as the apiserver holds them: it adds `kubernetes.io/metadata.name`
 * to every namespace (kubernetes pkg/registry/core/namespace/strategy.go), and webhooks'
 * namespaceSelectors see it (the istiod chart's `auto.` webhook selects on it).
 */
export function namespaceLabels(name: string, labels: Labels): Labels {
  return { ...labels, 'kubernetes.io/metadata.name': name };
}
