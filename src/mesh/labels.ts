/** Labels and annotations with a meaning in Istio ambient, Kubernetes or ambient-canary. */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'ambient-canary';
export const OWNED = { [MANAGED_BY]: MANAGER } as const;

/** Which run created an object, so `abort` from another machine finds what to remove. */
export const RUN_LABEL = 'ambient-canary.dev/run';

export const DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const REV = 'istio.io/rev';
export const INJECTION = 'istio-injection';

/** The default node label: the convention of Istio's manual canary procedure. */
export const DEFAULT_NODE_LABEL = REV;

export function isOwned(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[MANAGED_BY] === MANAGER;
}
