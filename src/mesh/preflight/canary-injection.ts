import type { RunConfig } from '../../config/types.js';
import type { KubeObject } from '../../domain/kube-object.js';
import { planCopy } from '../../plan/copy-plan.js';
import { canaryNamespace, cloneOptions } from '../../plan/manifests.js';
import { CHARTS } from '../charts.js';
import { fail, pass, warn, type CheckResult } from '../checks.js';
import type { WebhookConfigurationFacts } from '../cluster-facts.js';
import { canaryInjection, isIstioInjector, type CanaryPod, type InjectorHit, type LabelChange, type PodInjection } from '../injection.js';
import { namespaceLabels, type Labels } from '../label-selector.js';
import { renderedWebhooks } from '../webhook-facts.js';
import { listed, type PreflightInput } from './input.js';

/**
 * A canary pod with a sidecar is no ambient pod: istiod injects whatever its webhook is
 * called for unless the pod opts out (pkg/kube/inject/inject.go, injectRequired, which never
 * looks at istio.io/dataplane-mode), and istio-cni then leaves a pod with a sidecar out of
 * ambient (cni/pkg/util/enablement_selector.go). The canary would run, pass, and never have
 * used the canary ztunnel. So preflight builds the pods the copy would create, with the
 * copy's own function, and asks which of the cluster's Istio injectors would select them.
 */

/** `istio-sidecar-injector-1-30-3/rev.object.sidecar-injector.istio.io (revision 1-30-3, failurePolicy Fail)` */
function describeHit(h: InjectorHit, planned: ReadonlySet<string>): string {
  const target = h.tag ? `tag ${h.tag} of revision ${h.revision ?? 'default'}` : `revision ${h.revision ?? 'unknown'}`;
  const ours = planned.has(h.configuration) ? ', installed by this run' : '';
  const may = h.certainty === 'may' ? ` (may: ${h.caveat ?? ''})` : '';
  return `${h.configuration}/${h.webhook} (${target}, failurePolicy ${h.failurePolicy}${ours})${may}`;
}

/**
 * The injectors the canary's pods will meet: those in the cluster now, and those the run
 * installs (the canary istiod's, and the default tag's at promote, when it adds it), read
 * from `helm template` of that install. Pods are created again after the copy (promote moves
 * nodes, which drains them), so a webhook that arrives later still injects them.
 */
function injectorsMet(input: PreflightInput): { configs: WebhookConfigurationFacts[]; planned: Set<string> } {
  const present = new Set(input.mesh.mutatingWebhooks.map((c) => c.name));
  const rendered = (input.tools.renders ?? []).filter((r) => r.chart === CHARTS.istiod && r.probe.ok).flatMap((r) => renderedWebhooks(r.manifest ?? ''));
  const added = rendered.filter((c) => !present.has(c.name));
  return { configs: [...input.mesh.mutatingWebhooks, ...added], planned: new Set(added.map((c) => c.name)) };
}

function label(c: Pick<LabelChange, 'key' | 'value'>): string {
  return `${c.key}=${c.value}`;
}

/** What the pods carry and what to change, in one sentence, for pods of the Deployments named. */
function problem(deployments: readonly string[], hits: readonly InjectorHit[], fix: LabelChange | undefined, canaryNs: string, planned: ReadonlySet<string>): string {
  const pods = `pods of Deployment ${listed(deployments, 3)}`;
  const by = `selected by ${listed(hits.map((h) => describeHit(h, planned)), 3)}`;
  if (!fix) return `${pods} would be ${by}: no single label change spares them; change that webhook's selectors`;
  if (fix.on === 'namespace') {
    const rename = fix.key === 'kubernetes.io/metadata.name' ? ', or choose another --canary-namespace' : '';
    return `the canary namespace ${canaryNs} would carry ${label(fix)} (ambient-canary sets it), so ${pods} would be ${by}: exclude that label in the webhook's namespaceSelector${rename}`;
  }
  if (fix.action === 'remove') return `${pods} carry ${label(fix)}, ${by}: remove the label from the Deployment's pod template`;
  return `${pods} carry no label that excludes them, ${by}: label the Deployment's pod template ${label(fix)}, Istio's opt-out`;
}

type Templated = KubeObject & { spec?: { template?: { metadata?: { labels?: Labels; annotations?: Labels } } } };

/**
 * The pods the copy would create: each copied Deployment's template labels, as cloneObject
 * writes them (their ReplicaSet adds only pod-template-hash, which no injector selects on).
 */
export function canaryPods(config: RunConfig, stableObjects: readonly KubeObject[]): { pod: CanaryPod; annotations: Labels }[] {
  const copies = planCopy(stableObjects, cloneOptions(config)).objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  return copies.map((c) => {
    const meta = (c as Templated).spec?.template?.metadata;
    return { pod: { deployment: `${config.app.stableNamespace}/${c.metadata.name}`, labels: meta?.labels ?? {} }, annotations: meta?.annotations ?? {} };
  });
}

/** Pods whose hits and fix are the same are one problem: the namespace's label hits all of them alike. */
function grouped(found: readonly PodInjection[], canaryNs: string, planned: ReadonlySet<string>): string[] {
  const groups = new Map<string, { deployments: string[]; first: PodInjection }>();
  for (const f of found) {
    const key = JSON.stringify([f.hits.map((h) => `${h.configuration}/${h.webhook}`), f.fix]);
    const g = groups.get(key) ?? { deployments: [], first: f };
    g.deployments.push(f.pod.deployment);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => problem(g.deployments, g.first.hits, g.first.fix, canaryNs, planned));
}

/** The status annotation copied into a template marks every pod as injected; istio-cni then skips it (podutil.go, podHasSidecar). */
const SIDECAR_STATUS = 'sidecar.istio.io/status';

export function canaryInjectionCheck(input: PreflightInput): CheckResult {
  const { config, mesh } = input;
  const ns = canaryNamespace(config);
  const nsLabels = namespaceLabels(ns.metadata.name, ns.metadata.labels ?? {});
  const pods = canaryPods(config, mesh.stableObjects);
  const { configs, planned } = injectorsMet(input);
  const found = canaryInjection(configs, nsLabels, pods.map((p) => p.pod));
  const marked = pods.filter((p) => SIDECAR_STATUS in p.annotations).map((p) => p.pod.deployment);
  const problems = [
    ...grouped(found, ns.metadata.name, planned),
    ...(marked.length > 0 ? [`pods of Deployment ${listed(marked, 3)} carry the annotation ${SIDECAR_STATUS} in their template, so istio-cni leaves them out of ambient: remove it from the pod template`] : []),
  ];
  const injectors = configs.flatMap((c) => c.webhooks.filter(isIstioInjector)).length;
  const theirs = planned.size > 0 ? `, ${planned.size} configuration(s) of them installed by this run` : '';
  if (problems.length === 0) {
    const checked = `${injectors} Istio injector webhook(s) checked${theirs}`;
    return pass('canary-injection', 'sidecars', `no sidecar injector would select the canary namespace ${ns.metadata.name} or its ${pods.length} pod template(s) (${checked})`);
  }
  return fail(
    'canary-injection',
    'sidecars',
    `the canary's pods would get a sidecar instead of the canary ztunnel, and a pod with a sidecar is not in ambient: ${problems.join('; ')}`,
    `change those labels in the stable namespace ${config.app.stableNamespace} (the copy takes its templates from there; changing a template restarts its stable pods), then run again`,
  );
}

/**
 * Stable pods that already run a sidecar are not in ambient (istio-cni skips them), so an
 * upgrade of the ambient data plane does not reach them: said, not refused.
 */
export function stableSidecars({ config, mesh }: PreflightInput): CheckResult {
  const stable = config.app.stableNamespace;
  const mine = mesh.sidecars.filter((s) => s.namespace === stable);
  if (mine.length === 0) return pass('stable-sidecars', 'sidecars', `no pod of ${stable} has a sidecar`);
  const revisions = [...new Set(mine.map((s) => s.revision).filter((r): r is string => r !== undefined))];
  const of = revisions.length > 0 ? ` (injected by revision ${revisions.join(', ')})` : '';
  return warn(
    'stable-sidecars',
    'sidecars',
    `${mine.length} pod(s) of ${stable} have a sidecar${of}, so they are not in ambient: this upgrade does not cover them: ${listed(mine.map((s) => s.name))}`,
    `to bring them into ambient, remove what selects them for injection (the namespace's istio.io/rev or istio-injection label, or their sidecar.istio.io/inject label) and restart them: kubectl -n ${stable} rollout restart deployment`,
  );
}
