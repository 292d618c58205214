// Kubernetes label selectors (matchLabels and matchExpressions), for namespace selectors on
// listeners and Service selectors.

import type { LabelSelector } from './gateway-api.js';

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector ?? {})) if (labels?.[k] !== v) return false;
  return true;
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!labelsMatch(selector?.matchLabels, labels)) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const value = labels?.[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'In' ? value !== undefined && values.includes(value)
      : e.operator === 'NotIn' ? value === undefined || !values.includes(value)
      : e.operator === 'Exists' ? value !== undefined
      : e.operator === 'DoesNotExist' ? value === undefined
      : false;
    if (!ok) return false;
  }
  return true;
}
