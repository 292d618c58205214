import { describe, expect, it } from 'vitest';
import { readWeights } from '../../../src/gateway-api/rules.js';
import { buildPlan } from '../../../src/plan/build.js';
import { config } from '../../support/scenario.js';

const plan = (values: Record<string, unknown> = {}) => buildPlan(config(values), {});

describe('buildPlan', () => {
  it('names the run, the revisions and the namespaces from the versions', () => {
    const p = plan();
    expect(p).toMatchObject({ runId: '1-29-6-to-1-30-3', from: '1.29.6', to: '1.30.3', revisions: { stable: '1-29-6', canary: '1-30-3' } });
    expect(p.namespaces).toEqual({ istio: 'istio-system', stable: 'bookinfo-1-29-6', canary: 'bookinfo-1-30-3', state: 'istio-system' });
  });

  it('has one step per weight, each with the bake time', () => {
    expect(plan({ 'steps.weights': '5,25,100', 'steps.bake': '2m' }).route.steps).toEqual([
      { weights: { stable: 95, canary: 5 }, bakeMs: 120_000 },
      { weights: { stable: 75, canary: 25 }, bakeMs: 120_000 },
      { weights: { stable: 0, canary: 100 }, bakeMs: 120_000 },
    ]);
  });

  it('removes the data plane before the control plane, for the canary and for the stable revision', () => {
    const { removeCanary, removeStable } = plan().helm;
    expect(removeCanary.map((i) => i.release)).toEqual(['ztunnel-1-30-3', 'istiod-1-30-3']);
    expect(removeStable.map((i) => i.release)).toEqual(['ztunnel-1-29-6', 'istiod-1-29-6']);
  });

  it('removes the stable releases under the names the user gave', () => {
    const { removeStable } = plan({ 'istio.stableIstiodRelease': 'istiod', 'istio.stableZtunnelRelease': 'ztunnel' }).helm;
    expect(removeStable.map((i) => i.args.slice(0, 2))).toEqual([['uninstall', 'ztunnel'], ['uninstall', 'istiod']]);
  });

  it('moves the default tag unless told not to', () => {
    expect(plan().helm.defaultTag?.args).toContain('revisionTags={default}');
    expect(plan({ 'istio.defaultTag': false }).helm.defaultTag).toBeUndefined();
  });

  it('shows promote\'s upgrades of installed releases with the version read at run time, the stable istiod under the name the user gave', () => {
    const { baseDefaultRevision, dropStableTags } = plan({ 'istio.stableIstiodRelease': 'istiod' }).helm;
    expect(baseDefaultRevision).toMatchObject({ release: 'istio-base', namespace: 'istio-system' });
    expect(baseDefaultRevision.args).toEqual(expect.arrayContaining(['--version', '<installed version>', '--reuse-values', 'defaultRevision=1-30-3']));
    expect(dropStableTags?.args.slice(0, 2)).toEqual(['upgrade', 'istiod']);
    expect(plan({ 'istio.defaultTag': false }).helm.dropStableTags).toBeUndefined();
  });

  it('counts the named canary nodes when nodes are named', () => {
    expect(plan({ 'nodes.names': 'n1,n2' }).nodes).toMatchObject({ count: 2, names: ['n1', 'n2'] });
    expect(plan({ 'nodes.count': 3 }).nodes).toMatchObject({ count: 3, names: [] });
  });

  it('shows the route edit at the first step as the router would make it', () => {
    const p = plan({ 'steps.weights': '20,100' });
    expect(readWeights(p.route.example.atFirstStep, p.route.context)).toEqual({ kind: 'weights', weights: { stable: 80, canary: 20 } });
    expect(p.route.context).toEqual({ routeNamespace: 'istio-ingress', stableNamespace: 'bookinfo-1-29-6', canaryNamespace: 'bookinfo-1-30-3', stableRevision: '1-29-6', canaryRevision: '1-30-3', header: { name: 'traffic', value: 'test' } });
  });
});

describe('the manifests it applies', () => {
  it('creates the canary namespace in ambient mode, labelled as ours and as this run\'s, and without istio.io/rev (it would select a sidecar injector)', () => {
    expect(plan().manifests.canaryNamespace).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'bookinfo-1-30-3',
        labels: { 'app.kubernetes.io/managed-by': 'ambient-canary', 'ambient-canary.dev/run': '1-29-6-to-1-30-3', 'istio.io/dataplane-mode': 'ambient' },
      },
    });
  });

  it('lets HTTPRoutes of the route\'s namespace reach Services in the canary namespace, and nothing more', () => {
    const grant = plan({ route: 'edge/shop' }).manifests.referenceGrant;
    expect(grant.metadata).toMatchObject({ namespace: 'bookinfo-1-30-3', labels: { 'app.kubernetes.io/managed-by': 'ambient-canary' } });
    expect(grant['spec']).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service' }] });
  });

  it('pins canary pods to canary nodes and lets them tolerate exactly the canary taint', () => {
    const p = plan({ 'nodes.label': 'example.com/rev' });
    expect(p.nodes.taint).toEqual({ key: 'example.com/rev', value: '1-30-3', effect: 'NoSchedule' });
    expect(p.placement).toEqual({ nodeSelector: { 'example.com/rev': '1-30-3' }, toleration: { key: 'example.com/rev', operator: 'Equal', value: '1-30-3', effect: 'NoSchedule' } });
  });
});
