import { parseAllDocuments } from 'yaml';
import type { LabelSelector, SingletonWebhookFacts, WebhookConfigurationFacts } from './cluster-facts.js';
import { REV } from './labels.js';

/**
 * A MutatingWebhookConfiguration (admissionregistration.k8s.io/v1) as the apiserver returns it
 * or `helm template` renders it, reduced to what decides whether a webhook is called. The
 * shape is structural, so client models and parsed YAML both fit.
 */
interface RawSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] | undefined }[] | undefined;
}

interface RawWebhook {
  readonly name: string;
  readonly clientConfig: { readonly service?: { readonly namespace: string; readonly name: string; readonly path?: string | undefined } | undefined; readonly url?: string | undefined };
  readonly rules?: readonly { operations?: readonly string[]; apiGroups?: readonly string[]; apiVersions?: readonly string[]; resources?: readonly string[]; scope?: string }[] | undefined;
  readonly matchPolicy?: string | undefined;
  readonly failurePolicy?: string | undefined;
  readonly namespaceSelector?: RawSelector | undefined;
  readonly objectSelector?: RawSelector | undefined;
  readonly matchConditions?: readonly { readonly name: string }[] | undefined;
}

export interface RawWebhookConfiguration {
  readonly metadata?:
    | { readonly name?: string | undefined; readonly labels?: Readonly<Record<string, string>> | undefined; readonly annotations?: Readonly<Record<string, string>> | undefined }
    | undefined;
  readonly webhooks?: readonly RawWebhook[] | undefined;
}

function labelSelector(s: RawSelector | undefined): LabelSelector | undefined {
  if (!s) return undefined;
  return {
    matchLabels: s.matchLabels ? { ...s.matchLabels } : undefined,
    matchExpressions: s.matchExpressions?.map((e) => ({ key: e.key, operator: e.operator, values: e.values ? [...e.values] : undefined })),
  };
}

export function webhookConfigurationFacts(mwc: RawWebhookConfiguration): WebhookConfigurationFacts {
  return {
    name: mwc.metadata?.name ?? '',
    labels: { ...(mwc.metadata?.labels ?? {}) },
    webhooks: (mwc.webhooks ?? []).map((w) => ({
      name: w.name,
      service: w.clientConfig.service ? { namespace: w.clientConfig.service.namespace, name: w.clientConfig.service.name, path: w.clientConfig.service.path } : undefined,
      url: w.clientConfig.url,
      rules: (w.rules ?? []).map((r) => ({
        operations: [...(r.operations ?? [])],
        apiGroups: [...(r.apiGroups ?? [])],
        apiVersions: [...(r.apiVersions ?? [])],
        resources: [...(r.resources ?? [])],
        scope: r.scope,
      })),
      matchPolicy: w.matchPolicy,
      failurePolicy: w.failurePolicy,
      namespaceSelector: labelSelector(w.namespaceSelector),
      objectSelector: labelSelector(w.objectSelector),
      matchConditions: (w.matchConditions ?? []).map((c) => c.name),
    })),
  };
}

/** Helm's ownership annotations (helm pkg/action/validate.go), on every object a release applied. */
export const HELM_RELEASE_NAME = 'meta.helm.sh/release-name';
export const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';

/**
 * A Validating- or MutatingWebhookConfiguration reduced to who owns it and where it sends
 * requests: its Helm release (both annotations, or none), its istio.io/rev, its Services.
 */
export function singletonWebhookFacts(config: RawWebhookConfiguration): SingletonWebhookFacts {
  const annotations = config.metadata?.annotations ?? {};
  const [release, namespace] = [annotations[HELM_RELEASE_NAME], annotations[HELM_RELEASE_NAMESPACE]];
  const services = (config.webhooks ?? []).flatMap(({ clientConfig: { service } }) => (service ? [{ namespace: service.namespace, name: service.name }] : []));
  return {
    name: config.metadata?.name ?? '',
    release: release && namespace ? { name: release, namespace } : undefined,
    revision: config.metadata?.labels?.[REV],
    services,
  };
}

/** The MutatingWebhookConfigurations in `helm template` output (a multi-document YAML stream). */
export function renderedWebhooks(manifest: string): WebhookConfigurationFacts[] {
  try {
    return parseAllDocuments(manifest)
      .map((d) => d.toJS() as { kind?: unknown } | null)
      .filter((d): d is RawWebhookConfiguration & { kind: string } => d !== null && typeof d === 'object' && d.kind === 'MutatingWebhookConfiguration')
      .map(webhookConfigurationFacts);
  } catch {
    // Helm printed something that is not YAML: nothing to add to what the cluster holds.
    return [];
  }
}
