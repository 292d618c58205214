import type { RunConfig } from '../config/types.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { Plan } from '../plan/build.js';
import { chartSource } from '../plan/chart-ref.js';
import { baseDefaultRevision, INSTALLED_VERSION } from '../plan/helm-commands.js';
import { DEFAULT_TAG_INJECTOR, DEFAULT_VALIDATOR, istiodRelease, istiodService } from './charts.js';
import type { ClusterFacts, SingletonWebhookFacts } from './cluster-facts.js';

/**
 * The end of promote, decided from the cluster as it is now (so a resumed promote decides
 * again and converges): what becomes of istio-base's validator and of the `default` revision
 * tag, and which stable releases go. src/orchestrator/promote-tail.ts carries the steps out.
 */
export type TailStep =
  /** Promote cannot go on by itself: the user runs `command`, then resumes. */
  | { readonly kind: 'stop'; readonly message: string; readonly command: string; readonly object: string }
  /** `helm upgrade <release> base --reuse-values --set-string defaultRevision=<to>` at its installed version. */
  | { readonly kind: 'base'; readonly release: string; readonly namespace: string }
  /** The canary istiod takes the default tag (`take`: plan.helm.defaultTag); `from` (the stable istiod) drops its tags just before. */
  | { readonly kind: 'default-tag'; readonly take: HelmInvocation; readonly from: string | undefined }
  | { readonly kind: 'uninstall'; readonly release: string }
  | { readonly kind: 'note'; readonly message: string };

/** istio-base's validator at promote. */
export type BaseDecision =
  | { readonly kind: 'absent' }
  /** It validates through another revision (or none we know): not ours to move. */
  | { readonly kind: 'elsewhere'; readonly through: string }
  /** It validates through the canary already (a resumed promote). */
  | { readonly kind: 'moved' }
  /** Through the stable revision, whose istiod ambient-canary did not install and leaves running. */
  | { readonly kind: 'stays'; readonly release: SingletonWebhookFacts['release'] }
  | { readonly kind: 'move'; readonly release: string; readonly namespace: string }
  /** Through the stable revision, but no Helm release owns it: re-pointed by hand. */
  | { readonly kind: 'not-helm' }
  /** Through the stable revision, but the chart source is a folder: one chart version, maybe not the installed one. */
  | { readonly kind: 'unpinned'; readonly release: string; readonly namespace: string };

/** The `default` revision tag at promote. */
export type TagDecision =
  | { readonly kind: 'off' }
  /** The stable istiod (ours) holds it: it drops its tags, then the canary takes the tag at once. */
  | { readonly kind: 'hand-over' }
  /** Nobody holds it, or the canary already does. */
  | { readonly kind: 'take' }
  /** The stable istiod holds it, but its chart version cannot be pinned: taken after its uninstall. */
  | { readonly kind: 'after-uninstall' }
  | { readonly kind: 'keep'; readonly why: 'stable-not-ours' | 'held-elsewhere'; readonly holder: string | undefined };

/**
 * The validator calls istiod-<revision> of this mesh: a Service of that name in the run's Istio
 * namespace (global.istioNamespace of the base chart). Its istio.io/rev label alone is not
 * enough: another mesh in the cluster (another Istio namespace) may run the same revision name.
 */
function calls(v: SingletonWebhookFacts, revision: string, namespace: string): boolean {
  return v.services.some((s) => s.name === istiodService(revision) && s.namespace === namespace);
}

/** The stable istiod release exists and is not ours: promote leaves it running, and what relies on it. */
function stableStays(config: RunConfig, facts: ClusterFacts): boolean {
  const stable = facts.releases.find((r) => r.name === config.istio.stableIstiodRelease);
  return stable !== undefined && !stable.owned;
}

/** The validator's Helm release, when a helm operation on it was stopped before it finished (its release left pending-*). */
function leftPending(v: SingletonWebhookFacts, facts: ClusterFacts): SingletonWebhookFacts['release'] {
  const release = v.release;
  const pending = release && facts.releases.some((r) => r.name === release.name && r.namespace === release.namespace && r.status.startsWith('pending-'));
  return pending ? release : undefined;
}

export function baseDecision(config: RunConfig, facts: ClusterFacts): BaseDecision {
  const v = facts.defaultValidator;
  const ns = config.istio.namespace;
  if (!v) return { kind: 'absent' };
  if (!calls(v, config.from.name, ns)) {
    // Moved already; but if by a helm stopped before it finished, finished properly (rolled back and done again).
    const pending = leftPending(v, facts);
    if (calls(v, config.to.name, ns)) return pending ? { kind: 'move', release: pending.name, namespace: pending.namespace } : { kind: 'moved' };
    return { kind: 'elsewhere', through: v.services.map((s) => `Service ${s.namespace}/${s.name}`).join(', ') || 'a URL, not a Service' };
  }
  if (stableStays(config, facts)) return { kind: 'stays', release: v.release };
  if (!v.release) return { kind: 'not-helm' };
  if (chartSource(config.istio.chartRepo).kind === 'folder') return { kind: 'unpinned', release: v.release.name, namespace: v.release.namespace };
  return { kind: 'move', release: v.release.name, namespace: v.release.namespace };
}

export function tagDecision(config: RunConfig, facts: ClusterFacts): TagDecision {
  if (!config.istio.defaultTag) return { kind: 'off' };
  const stable = config.istio.stableIstiodRelease;
  if (stableStays(config, facts)) return { kind: 'keep', why: 'stable-not-ours', holder: stable };
  const injector = facts.defaultTagInjector;
  // A release of this mesh's Istio namespace: another mesh's istiod may have the same name.
  const here = injector?.release?.namespace === config.istio.namespace;
  const holder = injector?.release?.name;
  if (!injector || (here && holder === istiodRelease(config.to.name))) return { kind: 'take' };
  if (here && holder === stable && facts.releases.some((r) => r.name === stable)) {
    return chartSource(config.istio.chartRepo).kind === 'folder' ? { kind: 'after-uninstall' } : { kind: 'hand-over' };
  }
  return { kind: 'keep', why: 'held-elsewhere', holder: injector.release ? `${injector.release.namespace}/${injector.release.name}` : undefined };
}

/**
 * The validator re-pointed by hand, when no Helm release can do it: its label (which istiod's
 * validation controller selects on to patch its caBundle and failurePolicy,
 * pkg/webhooks/validation/controller) and its Service, as the base chart would render them.
 */
export function validatorPatchCommand(config: RunConfig): string {
  const to = config.to.name;
  const ops = [
    { op: 'add', path: '/metadata/labels/istio.io~1rev', value: to },
    { op: 'add', path: '/webhooks/0/clientConfig/service/name', value: istiodService(to) },
  ];
  return `kubectl patch validatingwebhookconfiguration ${DEFAULT_VALIDATOR} --type json -p '${JSON.stringify(ops)}'`;
}

/** The base upgrade as the user runs it from Istio's repository (`helm repo add istio <repo>`), at the version it runs. */
function baseCommandFromRepo(config: RunConfig, release: string, namespace: string): string {
  const fromRepo = { ...config, istio: { ...config.istio, chartRepo: 'istio' } };
  return formatInvocation(baseDefaultRevision(fromRepo, { release, namespace, version: INSTALLED_VERSION }));
}

const VALIDATOR = `ValidatingWebhookConfiguration ${DEFAULT_VALIDATOR}`;

/** The validator decisions promote stops at. */
export type BaseStopping = Extract<BaseDecision, { kind: 'not-helm' | 'unpinned' }>;

/** Why promote stops at the validator, and the one command that lets it go on. */
export function baseStop(config: RunConfig, base: BaseStopping): Extract<TailStep, { kind: 'stop' }> {
  const lead = `${DEFAULT_VALIDATOR} validates every Istio config write through istiod-${config.from.name}, which promote is about to remove`;
  if (base.kind === 'not-helm') {
    const message = `${lead}, and no Helm release owns it (no meta.helm.sh/release-name) to move its defaultRevision`;
    return { kind: 'stop', message, command: validatorPatchCommand(config), object: VALIDATOR };
  }
  const release = `Helm release ${base.namespace}/${base.release}`;
  const version = `helm list -n ${base.namespace} --filter '^${base.release}$' shows it`;
  const message = `${lead}; --chart-repo is a chart folder, which cannot give ${release} the base chart version it runs (${version})`;
  return { kind: 'stop', message, command: baseCommandFromRepo(config, base.release, base.namespace), object: VALIDATOR };
}

/** What moves the validator to the canary: the base upgrade of its release (at the version it runs), or the patch. */
export function baseCommand(config: RunConfig, release: SingletonWebhookFacts['release']): string {
  if (!release) return validatorPatchCommand(config);
  return formatInvocation(baseDefaultRevision(config, { release: release.name, namespace: release.namespace, version: INSTALLED_VERSION }));
}

function baseSteps(config: RunConfig, base: BaseDecision): TailStep[] {
  if (base.kind === 'move') return [{ kind: 'base', release: base.release, namespace: base.namespace }];
  if (base.kind !== 'stays') return [];
  const later = `before you remove ${config.istio.stableIstiodRelease}, run: ${baseCommand(config, base.release)}`;
  return [{ kind: 'note', message: `${DEFAULT_VALIDATOR} left validating through ${config.from.name}, whose istiod stays; ${later}` }];
}

/** The stable releases ambient-canary installed go; the others stay, each with the command to remove it. */
function removals(plan: Plan, facts: ClusterFacts): TailStep[] {
  return plan.helm.removeStable.flatMap((inv): TailStep[] => {
    const release = facts.releases.find((r) => r.name === inv.release);
    if (!release) return [];
    if (release.owned) return [{ kind: 'uninstall', release: inv.release }];
    return [{ kind: 'note', message: `Helm release ${inv.release} was not installed by ambient-canary: left in place (remove it yourself: ${formatInvocation(inv)})` }];
  });
}

/** Where the default tag moves in the tail: before the uninstalls, after them, or not (a note says why). */
function tagSteps(config: RunConfig, plan: Plan, facts: ClusterFacts): { before: TailStep[]; after: TailStep[] } {
  const take = plan.helm.defaultTag;
  if (!take) return { before: [], after: [] };
  const tag = tagDecision(config, facts);
  const stable = config.istio.stableIstiodRelease;
  const command = formatInvocation(take);
  switch (tag.kind) {
    case 'off':
      return { before: [], after: [] };
    case 'hand-over':
      return { before: [{ kind: 'default-tag', take, from: stable }], after: [] };
    case 'take':
      return { before: [{ kind: 'default-tag', take, from: undefined }], after: [] };
    case 'after-uninstall': {
      const gap = `the default revision tag moves after ${stable} is removed: a chart folder cannot pin its installed chart version to drop the tag first`;
      return { before: [], after: [{ kind: 'note', message: gap }, { kind: 'default-tag', take, from: undefined }] };
    }
    case 'keep': {
      const owner = tag.holder ? `Helm release ${tag.holder}` : 'no Helm release (istioctl tag?)';
      const message =
        tag.why === 'stable-not-ours'
          ? `default revision tag not moved: ${stable} may still own it; after removing it run: ${command}`
          : `default revision tag not moved: ${DEFAULT_TAG_INJECTOR} belongs to ${owner}; once it is gone run: ${command}`;
      return { before: [], after: [{ kind: 'note', message }] };
    }
  }
}

/**
 * In this order, each step safe to repeat, decided again from the cluster by a resumed run:
 * 1. istio-base's defaultRevision, while the stable istiod still answers its validator. Its
 *    validator (base templates/defaultrevision-validatingwebhookconfiguration.yaml) sends every
 *    Istio config write to istiod-<defaultRevision>, with failurePolicy Fail once istiod's
 *    validation controller or a `helm upgrade` (the template omits it on upgrade) set it: left on
 *    the stable revision, every write would be refused once that istiod is gone. First, too,
 *    because it is the step most likely to stop (istio-base is not ours): stopped here, the mesh
 *    is whole, the stable istiod still validating and holding the tag.
 * 2. the stable istiod drops its tags, and at once 3. the canary istiod takes the `default`
 *    tag. Helm cannot hand the tag's webhook and Service from one release to the other: it
 *    refuses to adopt an object another release owns (helm pkg/action/validate.go,
 *    existingResourceConflict) and an uninstall deletes what the release's stored manifest
 *    lists (pkg/action/uninstall.go, deleteRelease). Between the two no webhook injects for the
 *    tag, so a pod created then in an istio-injection=enabled namespace starts without a
 *    sidecar: one helm upgrade long, where uninstalling first made it the old istiod's whole
 *    termination (--wait).
 * 4. the stable ztunnel, then 5. the stable istiod (a ztunnel gets its certificates and config
 *    from its istiod while it runs), once nothing depends on them any more.
 */
export function promoteTail(config: RunConfig, plan: Plan, facts: ClusterFacts): TailStep[] {
  const base = baseDecision(config, facts);
  if (base.kind === 'not-helm' || base.kind === 'unpinned') return [baseStop(config, base)];
  const { before, after } = tagSteps(config, plan, facts);
  return [...baseSteps(config, base), ...before, ...removals(plan, facts), ...after];
}
