import { describe, expect, it } from 'vitest';
import { formatInvocation } from '../../../src/domain/helm-invocation.js';
import { buildPlan } from '../../../src/plan/build.js';
import { planText } from '../../../src/report/plan-text.js';
import { config } from '../../support/scenario.js';

const text = (values: Record<string, unknown> = {}) => {
  const p = buildPlan(config(values), { controlPlane: 'revisions/1.30.3/control-plane.yaml' });
  return { p, t: planText(p) };
};

/** Position of a line in the text, failing the test when it is missing. */
function at(t: string, needle: string): number {
  const i = t.indexOf(needle);
  expect(i, `missing: ${needle}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe('planText: what a user reads in `canary plan`', () => {
  it('prints every helm command exactly as it would run, to copy', () => {
    const { p, t } = text();
    for (const inv of [p.helm.controlPlane, p.helm.dataPlane, ...p.helm.removeCanary, ...p.helm.removeStable]) at(t, formatInvocation(inv));
    at(t, '--values revisions/1.30.3/control-plane.yaml');
  });

  it('shows the phases in the order they run', () => {
    const { t } = text();
    const order = ['## 1. Preflight', '## 2. Canary nodes', '## 3. Control plane', '## 4. Data plane', '## 5. Workloads', '## 6. Smoke test', '## 7. Steps', '## 8. Promote', '## On a breach or Ctrl-C: revert'].map((h) => at(t, h));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('names the canary nodes, taint, label and namespaces', () => {
    const { t } = text({ 'nodes.names': 'node-7,node-8' });
    at(t, 'Nodes: node-7, node-8');
    at(t, 'taint istio.io/rev=1-30-3:NoSchedule');
    at(t, 'label istio.io/rev=1-30-3');
    at(t, 'bookinfo-1-29-6 -> bookinfo-1-30-3');
    at(t, 'istio.io/dataplane-mode: ambient');
    at(t, 'kind: ReferenceGrant');
  });

  it('lists each weight step with its bake time, and where it stops with --until', () => {
    const { t } = text({ 'steps.weights': '25,100', 'steps.bake': '90s', 'steps.until': 25 });
    at(t, 'stable/canary 75/25: verify Accepted at the new generation, then 90s under load');
    at(t, 'stable/canary 0/100');
    at(t, 'stops after 25%: continue with `canary step`');
  });

  it('says traffic goes back first on a revert, before the canary namespace and releases', () => {
    const { t } = text();
    const revert = t.slice(at(t, '## On a breach'));
    expect(revert.indexOf('Weights back to 100/0 first')).toBeLessThan(revert.indexOf('kubectl delete namespace bookinfo-1-30-3'));
    expect(revert.indexOf('helm uninstall ztunnel-1-30-3')).toBeLessThan(revert.indexOf('helm uninstall istiod-1-30-3'));
  });

  it('shows the smoke header and the route it edits', () => {
    const { t } = text({ 'smoke.header': 'x-canary=yes', route: 'edge/shop' });
    at(t, 'a rule matching x-canary: yes');
    at(t, 'Only these rules change in HTTPRoute edge/shop');
  });

  it('leaves out the default tag when told not to move it', () => {
    expect(text({ 'istio.defaultTag': false }).t).not.toContain('revisionTags');
    expect(text().t).toContain("--set 'revisionTags={default}'");
  });

  it('promote: istio-base\'s defaultRevision, then the tag handed over, then the stable releases; versions known at run time said so', () => {
    const promote = text().t.slice(at(text().t, '## 8. Promote'), at(text().t, '## On a breach'));
    const order = [
      "helm upgrade istio-base base --repo https://blob.istio.io/istio-release/charts --version '<installed version>' --reuse-values --set-string defaultRevision=1-30-3 --namespace istio-system",
      "helm upgrade istiod-1-29-6 istiod --repo https://blob.istio.io/istio-release/charts --version '<installed version>' --reuse-values --set-json 'revisionTags=[]'",
      "--set 'revisionTags={default}'",
      'helm uninstall ztunnel-1-29-6',
      'helm uninstall istiod-1-29-6',
    ].map((l) => at(promote, l));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text({ 'istio.defaultTag': false }).t).toContain('--set-string defaultRevision=1-30-3');
  });
});
