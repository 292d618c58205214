import type { RunConfig } from '../config/types.js';
import { formatVersion } from '../domain/revision.js';
import type { HelmInvocation } from '../domain/helm-invocation.js';
import type { KubeObject } from '../domain/kube-object.js';
import type { CloneReport } from './copy-plan.js';
import { weightsFor, type WeightPair } from '../domain/weights.js';
import { BASE_RELEASE, istiodRelease, ztunnelRelease } from '../mesh/charts.js';
import type { RouteRule } from '../gateway-api/types.js';
import { withCanary, withWeights, type RouteContext } from '../gateway-api/rules.js';
import { baseDefaultRevision, controlPlaneInstall, dataPlaneInstall, defaultTagInstall, dropRevisionTags, INSTALLED_VERSION, uninstall, type ValuesFiles } from './helm-commands.js';
import { canaryNamespace, canaryPlacement, canaryTaint, referenceGrant, runId, type NodeTaint, type PodPlacement } from './manifests.js';

export interface WeightStep {
  readonly weights: WeightPair;
  readonly bakeMs: number;
}

/** Everything a run will do, decided before it does any of it; printed by `canary plan`. */
export interface Plan {
  readonly runId: string;
  readonly from: string;
  readonly to: string;
  readonly revisions: { readonly stable: string; readonly canary: string };
  readonly namespaces: { readonly istio: string; readonly stable: string; readonly canary: string; readonly state: string };
  readonly nodes: { readonly label: string; readonly taint: NodeTaint; readonly count: number; readonly names: readonly string[] };
  readonly placement: PodPlacement;
  readonly helm: {
    readonly controlPlane: HelmInvocation;
    readonly dataPlane: HelmInvocation;
    readonly defaultTag: HelmInvocation | undefined;
    /**
     * Promote, when istio-base's validator validates through the stable revision: the release
     * and namespace are the validator's (Istio's docs: istio-base in the Istio namespace), the
     * chart version the one it runs (INSTALLED_VERSION here: read at run time).
     */
    readonly baseDefaultRevision: HelmInvocation;
    /** Promote, when the stable istiod holds the default tag: it lets go of it first (its version read at run time). */
    readonly dropStableTags: HelmInvocation | undefined;
    readonly removeCanary: readonly HelmInvocation[];
    readonly removeStable: readonly HelmInvocation[];
  };
  readonly manifests: { readonly canaryNamespace: KubeObject; readonly referenceGrant: KubeObject };
  /** The copy object by object, once the stable namespace has been read (`--dry-run`); `canary plan` reads no cluster and shows the table instead. */
  readonly copy?: CloneReport | undefined;
  readonly route: {
    readonly ref: { readonly namespace: string; readonly name: string };
    readonly gateway: { readonly namespace: string; readonly name: string };
    readonly context: RouteContext;
    readonly smokeRequests: number;
    readonly steps: readonly WeightStep[];
    readonly until: number | undefined;
    /** The edit applied to one rule, shown on an illustrative rule sending / to Service <app>. */
    readonly example: { readonly before: RouteRule[]; readonly atFirstStep: RouteRule[] };
  };
}

export function buildPlan(config: RunConfig, files: ValuesFiles): Plan {
  const context: RouteContext = {
    routeNamespace: config.route.namespace,
    stableNamespace: config.app.stableNamespace,
    canaryNamespace: config.app.canaryNamespace,
    stableRevision: config.from.name,
    canaryRevision: config.to.name,
    header: config.smoke.header,
  };
  const steps = config.steps.weights.map((w) => ({ weights: weightsFor(w), bakeMs: config.steps.bakeMs }));
  const before: RouteRule[] = [
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: config.app.name, namespace: config.app.stableNamespace, port: 80 }] },
  ];
  const firstStep = steps[0]?.weights ?? weightsFor(100);
  return {
    runId: runId(config),
    from: formatVersion(config.from.version),
    to: formatVersion(config.to.version),
    revisions: { stable: config.from.name, canary: config.to.name },
    namespaces: { istio: config.istio.namespace, stable: config.app.stableNamespace, canary: config.app.canaryNamespace, state: config.state.namespace },
    nodes: { label: config.nodes.label, taint: canaryTaint(config), count: config.nodes.names.length || config.nodes.count, names: config.nodes.names },
    placement: canaryPlacement(config),
    helm: {
      controlPlane: controlPlaneInstall(config, files),
      dataPlane: dataPlaneInstall(config, files),
      defaultTag: config.istio.defaultTag ? defaultTagInstall(config, files) : undefined,
      baseDefaultRevision: baseDefaultRevision(config, { release: BASE_RELEASE, namespace: config.istio.namespace, version: INSTALLED_VERSION }),
      dropStableTags: config.istio.defaultTag ? dropRevisionTags(config, INSTALLED_VERSION) : undefined,
      removeCanary: [uninstall(config, ztunnelRelease(config.to.name)), uninstall(config, istiodRelease(config.to.name))],
      removeStable: [uninstall(config, config.istio.stableZtunnelRelease), uninstall(config, config.istio.stableIstiodRelease)],
    },
    manifests: { canaryNamespace: canaryNamespace(config), referenceGrant: referenceGrant(config) },
    route: {
      ref: config.route,
      gateway: config.gateway,
      context,
      smokeRequests: config.smoke.requests,
      steps,
      until: config.steps.until,
      example: { before, atFirstStep: withWeights(withCanary(before, context), context, firstStep) },
    },
  };
}
