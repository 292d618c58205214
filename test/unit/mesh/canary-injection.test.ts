import { describe, expect, it } from 'vitest';
import { canaryPods } from '../../../src/mesh/preflight/canary-injection.js';
import { check, mesh, render, run, stableDeployment, type Scenario } from '../../support/preflight-builders.js';
import { config } from '../../support/scenario.js';
import { renderedWebhooks } from '../../../src/mesh/webhook-facts.js';
import { text, webhooks } from './fixtures/load.js';

/**
 * Preflight refuses a run whose canary pods a sidecar injector would select, naming the
 * webhook and the label; the webhooks are the real chart's (fixtures/*.mwc.yaml).
 */
const TAGGED = webhooks('istiod-1.31-rev-tag-default.mwc.yaml');
const STABLE = webhooks('istiod-1.30-rev-tag-default.mwc.yaml');
const AUTO = webhooks('istiod-1.31-default-auto.mwc.yaml');

describe('canary-injection', () => {
  it('passes when no injector selects the canary namespace or its pods, counting what it checked', () => {
    const results = run(mesh((m) => ({ ...m, mutatingWebhooks: [...STABLE, ...TAGGED.slice(0, 1)], stableObjects: [stableDeployment('reviews'), stableDeployment('ratings', { app: 'ratings', 'istio.io/rev': '1-29-6' })] })));
    expect(check(results.results, 'canary-injection')).toEqual({
      id: 'canary-injection',
      group: 'sidecars',
      status: 'pass',
      message: 'no sidecar injector would select the canary namespace bookinfo-1-30-3 or its 2 pod template(s) (8 Istio injector webhook(s) checked)',
    });
  });

  it('refuses a pod template that opts in to injection, naming the webhook, its tag and revision, and the label', () => {
    const deployments = [stableDeployment('reviews', { app: 'reviews', 'sidecar.istio.io/inject': 'true' }), stableDeployment('ratings')];
    const result = check(run(mesh((m) => ({ ...m, mutatingWebhooks: STABLE, stableObjects: deployments }))).results, 'canary-injection');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      "the canary's pods would get a sidecar instead of the canary ztunnel, and a pod with a sidecar is not in ambient: pods of Deployment bookinfo-1-29-6/reviews carry sidecar.istio.io/inject=true, selected by istio-revision-tag-default/object.sidecar-injector.istio.io (tag default of revision 1-30-4-dev, failurePolicy Fail): remove the label from the Deployment's pod template",
    );
    expect(result.fix).toMatch(/change those labels in the stable namespace bookinfo-1-29-6 .*restarts its stable pods/);
  });

  it('a cluster that injects every namespace by default: Istio\'s opt-out, once for all the Deployments it hits', () => {
    const result = check(run(mesh((m) => ({ ...m, mutatingWebhooks: AUTO, stableObjects: [stableDeployment('reviews'), stableDeployment('ratings')] }))).results, 'canary-injection');
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(
      /pods of Deployment bookinfo-1-29-6\/ratings, bookinfo-1-29-6\/reviews carry no label that excludes them, selected by istio-sidecar-injector\/auto\.sidecar-injector\.istio\.io \(revision default, failurePolicy Fail\): label the Deployment's pod template sidecar\.istio\.io\/inject=false, Istio's opt-out$/,
    );
  });

  it('says "may" for a webhook whose matchConditions it cannot evaluate, and still refuses', () => {
    const guarded = TAGGED.map((c) => ({ ...c, webhooks: c.webhooks.map((w) => ({ ...w, matchConditions: ['exclude-dry-run'] })) }));
    const result = check(run(mesh((m) => ({ ...m, mutatingWebhooks: guarded, stableObjects: [stableDeployment('reviews', { 'sidecar.istio.io/inject': 'true' })] }))).results, 'canary-injection');
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/object\.sidecar-injector\.istio\.io \(tag default of revision 1-31-0-dev, failurePolicy Fail\) \(may: its matchConditions \(exclude-dry-run\) are CEL, not evaluated here\)/);
  });

  it('a webhook that selects a label ambient-canary itself puts on the canary namespace: the webhook must change', () => {
    const ambientInjector = {
      name: 'team-injector',
      labels: { 'istio.io/rev': '1-30-4-dev' },
      webhooks: [{ ...(STABLE[0]?.webhooks[0] as (typeof STABLE)[number]['webhooks'][number]), name: 'ambient.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } }, objectSelector: undefined }],
    };
    const result = check(run(mesh((m) => ({ ...m, mutatingWebhooks: [ambientInjector], stableObjects: [stableDeployment('reviews'), stableDeployment('ratings')] }))).results, 'canary-injection');
    expect(result.message).toMatch(
      /the canary namespace bookinfo-1-30-3 would carry istio\.io\/dataplane-mode=ambient \(ambient-canary sets it\), so pods of Deployment bookinfo-1-29-6\/ratings, bookinfo-1-29-6\/reviews would be selected by team-injector\/ambient\.sidecar-injector\.istio\.io \(revision 1-30-4-dev, failurePolicy Fail\): exclude that label in the webhook's namespaceSelector$/,
    );
  });

  it('refuses a template that carries the injector\'s status annotation: istio-cni would skip its pods', () => {
    const marked = stableDeployment('reviews', { app: 'reviews' }, { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' });
    const result = check(run(mesh((m) => ({ ...m, stableObjects: [marked] }))).results, 'canary-injection');
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/pods of Deployment bookinfo-1-29-6\/reviews carry the annotation sidecar\.istio\.io\/status in their template, so istio-cni leaves them out of ambient: remove it from the pod template/);
  });

  describe('the webhooks the run itself installs, read from helm template of the promote install', () => {
    const promoteRender = (s: Scenario): Scenario => ({ ...s, input: { ...s.input, tools: { ...s.input.tools, renders: [{ ...render('istiod'), manifest: text('istiod-1.31-rev-tag-default.mwc.yaml') }, render('ztunnel')] } } });

    it('a default tag added at promote would inject a template that opts in: refused now, saying the run installs it', () => {
      const result = check(run((s) => mesh((m) => ({ ...m, mutatingWebhooks: [], stableObjects: [stableDeployment('reviews', { 'sidecar.istio.io/inject': 'true' })] }))(promoteRender(s))).results, 'canary-injection');
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/carry sidecar\.istio\.io\/inject=true, selected by istio-revision-tag-default\/object\.sidecar-injector\.istio\.io \(tag default of revision 1-31-0-dev, failurePolicy Fail, installed by this run\): remove the label/);
    });

    it('adds only configurations the cluster does not hold yet, and counts them', () => {
      const result = check(run((s) => mesh((m) => ({ ...m, mutatingWebhooks: STABLE }))(promoteRender(s))).results, 'canary-injection');
      expect(result).toMatchObject({ status: 'pass', message: expect.stringContaining('(8 Istio injector webhook(s) checked, 1 configuration(s) of them installed by this run)') });
    });

    it('reads the MutatingWebhookConfigurations out of a whole render, and nothing out of what is not YAML', () => {
      expect(renderedWebhooks(text('istiod-1.31-promote.objects.yaml')).map((c) => c.name)).toEqual(['istio-sidecar-injector-1-31-0-dev', 'istio-revision-tag-default']);
      expect(renderedWebhooks('Error: : : [ not yaml')).toEqual([]);
    });
  });

  it('is not made after promote may have begun (the canary exists by then)', () => {
    const ids = run(mesh((m) => ({ ...m, mutatingWebhooks: AUTO })), {}, 'steps').results.map((r) => r.id);
    expect(ids).not.toContain('canary-injection');
  });
});

describe('canaryPods: the pods the copy would create, built by the copy\'s own function', () => {
  it('takes the template labels as the copy writes them: no istio.io/rev; leaves out what the copy refuses (an owner outside the namespace)', () => {
    const owned = { ...stableDeployment('operator-made'), metadata: { name: 'operator-made', ownerReferences: [{ kind: 'Foo', name: 'x' }] } };
    const pods = canaryPods(config({}), [stableDeployment('reviews', { app: 'reviews', 'istio.io/rev': '1-29-6' }), owned]);
    expect(pods).toEqual([{ pod: { deployment: 'bookinfo-1-29-6/reviews', labels: { app: 'reviews' } }, annotations: {} }]);
  });
});

describe('stable-sidecars', () => {
  const sidecar = (name: string, revision: string | undefined, namespace = 'bookinfo-1-29-6') => ({ namespace, name, proxy: true, hbone: true, revision });

  it('warns that stable pods with a sidecar are not in ambient, and not covered', () => {
    const result = check(run(mesh((m) => ({ ...m, sidecars: [sidecar('reviews-v1-abc', '1-29-6'), sidecar('ratings-v1-def', '1-29-6'), sidecar('other', '1-29-6', 'shop')] }))).results, 'stable-sidecars');
    expect(result).toMatchObject({
      status: 'warn',
      message: '2 pod(s) of bookinfo-1-29-6 have a sidecar (injected by revision 1-29-6), so they are not in ambient: this upgrade does not cover them: reviews-v1-abc, ratings-v1-def',
    });
    expect(result.fix).toMatch(/remove what selects them for injection .* kubectl -n bookinfo-1-29-6 rollout restart deployment/);
  });

  it('passes when the stable namespace has none', () => {
    expect(check(run(mesh((m) => ({ ...m, sidecars: [sidecar('other', undefined, 'shop')] }))).results, 'stable-sidecars')).toMatchObject({ status: 'pass', message: 'no pod of bookinfo-1-29-6 has a sidecar' });
  });

  it('a pod marked injected without a proxy is not in ambient, and has no HBONE to lack', () => {
    const results = run(mesh((m) => ({ ...m, sidecars: [{ ...sidecar('copied-annotation', '1-29-6'), proxy: false, hbone: false }] }))).results;
    expect(check(results, 'stable-sidecars').status).toBe('warn');
    expect(check(results, 'sidecars-hbone').status).toBe('pass');
  });
});
