import { describe, expect, it } from 'vitest';
import type { MutatingWebhookFacts, WebhookConfigurationFacts, WebhookRule } from '../../../src/mesh/cluster-facts.js';
import { canaryInjection, injectorsFor, interceptsPodCreate, isIstioInjector, webhookDecision } from '../../../src/mesh/injection.js';
import { namespaceLabels } from '../../../src/mesh/label-selector.js';
import { webhooks } from './fixtures/load.js';

/**
 * Against the MutatingWebhookConfigurations Istio's real istiod chart renders (fixtures/*.mwc.yaml,
 * each with the helm command and chart commit it came from), not webhooks we wrote.
 */
const REV = webhooks('istiod-1.31-rev.mwc.yaml');
const TAGGED = webhooks('istiod-1.31-rev-tag-default.mwc.yaml');
const AUTO = webhooks('istiod-1.31-default-auto.mwc.yaml');
const STABLE = webhooks('istiod-1.30-rev-tag-default.mwc.yaml');

const R = '1-31-0-dev';
const ns = (labels: Record<string, string>, name = 'shop') => namespaceLabels(name, labels);
const hits = (configs: WebhookConfigurationFacts[], namespace: Record<string, string>, pod: Record<string, string>, name?: string): string[] =>
  injectorsFor(configs, ns(namespace, name), pod).map((h) => `${h.configuration}/${h.webhook.replace('.sidecar-injector.istio.io', '')}`);

describe('the rendered webhooks, read as preflight reads them', () => {
  it('are what the chart renders: names, webhooks, the revision and tag labels', () => {
    expect(TAGGED.map((c) => [c.name, c.labels['istio.io/rev'], c.labels['istio.io/tag'], c.webhooks.map((w) => w.name)])).toEqual([
      ['istio-sidecar-injector-1-31-0-dev', R, undefined, ['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']],
      ['istio-revision-tag-default', R, 'default', ['rev.namespace', 'rev.object', 'namespace', 'object'].map((p) => `${p}.sidecar-injector.istio.io`)],
    ]);
    expect(AUTO[0]?.labels['istio.io/rev']).toBe('default');
    expect(AUTO[0]?.webhooks.map((w) => w.name.split('.')[0])).toEqual(['rev', 'rev', 'namespace', 'object', 'auto']);
  });

  it('every one is an Istio injector for CREATE of pods, failurePolicy Fail, served by istiod at /inject', () => {
    for (const w of [...REV, ...TAGGED, ...AUTO, ...STABLE].flatMap((c) => c.webhooks)) {
      expect(isIstioInjector(w) && interceptsPodCreate(w.rules)).toBe(true);
      expect(w.failurePolicy).toBe('Fail');
      expect(w.service?.path).toBe('/inject');
      expect(w.matchConditions).toEqual([]);
    }
    expect(TAGGED[1]?.webhooks[0]?.service).toEqual({ namespace: 'istio-system', name: `istiod-${R}`, path: '/inject' });
  });
});

/**
 * Which webhooks select a pod, for namespaces and pods labelled every way that matters to the
 * chart's selectors (templates/mutatingwebhook.yaml, revision-tags-mwc.yaml), worked out by
 * hand from the templates: an independent answer to compare the evaluator with.
 */
const NAMESPACES: Record<string, Record<string, string>> = {
  none: {},
  injection: { 'istio-injection': 'enabled' },
  'injection disabled': { 'istio-injection': 'disabled' },
  'rev R': { 'istio.io/rev': R },
  'rev default': { 'istio.io/rev': 'default' },
  'rev other': { 'istio.io/rev': '1-29-6' },
  'rev R and injection': { 'istio.io/rev': R, 'istio-injection': 'enabled' },
  ambient: { 'istio.io/dataplane-mode': 'ambient' },
};
const PODS: Record<string, Record<string, string>> = {
  none: {},
  'inject true': { 'sidecar.istio.io/inject': 'true' },
  'inject false': { 'sidecar.istio.io/inject': 'false' },
  'rev default': { 'istio.io/rev': 'default' },
  'rev R': { 'istio.io/rev': R },
  'inject true, rev default': { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'default' },
  'inject false, rev R': { 'sidecar.istio.io/inject': 'false', 'istio.io/rev': R },
};
/** Pods with `inject false` are never selected; for the others, in the pod order above. */
const SELECTING = ['none', 'inject true', 'rev default', 'rev R', 'inject true, rev default'];

function table(expect: (namespace: string, pod: string) => string[]): Array<[string, string, string[]]> {
  return Object.keys(NAMESPACES).flatMap((n) => Object.keys(PODS).map((p): [string, string, string[]] => [n, p, expect(n, p)]));
}

describe('a revision with the default tag (istiod-1.31-rev-tag-default.mwc.yaml)', () => {
  const S = 'istio-sidecar-injector-1-31-0-dev';
  const T = 'istio-revision-tag-default';
  const expected = (n: string, p: string): string[] => {
    if (!SELECTING.includes(p)) return [];
    if (n === 'none' || n === 'ambient') return { 'inject true': [`${T}/object`], 'rev default': [`${T}/rev.object`], 'rev R': [`${S}/rev.object`], 'inject true, rev default': [`${T}/rev.object`] }[p] ?? [];
    if (n === 'injection' || n === 'rev R and injection') return [`${T}/namespace`];
    if (n === 'rev R') return [`${S}/rev.namespace`];
    if (n === 'rev default') return [`${T}/rev.namespace`];
    return [];
  };
  it.each(table(expected))('namespace %s, pod %s: %j', (n, p, want) => {
    expect(hits(TAGGED, NAMESPACES[n] as Record<string, string>, PODS[p] as Record<string, string>)).toEqual(want);
  });
});

describe('a revisionless istiod that injects every namespace by default (istiod-1.31-default-auto.mwc.yaml)', () => {
  const I = 'istio-sidecar-injector';
  const expected = (n: string, p: string): string[] => {
    if (!SELECTING.includes(p)) return [];
    if (n === 'none' || n === 'ambient') return { none: [`${I}/auto`], 'inject true': [`${I}/object`], 'rev default': [`${I}/rev.object`], 'inject true, rev default': [`${I}/rev.object`] }[p] ?? [];
    if (n === 'injection' || n === 'rev R and injection') return [`${I}/namespace`];
    if (n === 'rev default') return [`${I}/rev.namespace`];
    return [];
  };
  it.each(table(expected))('namespace %s, pod %s: %j', (n, p, want) => {
    expect(hits(AUTO, NAMESPACES[n] as Record<string, string>, PODS[p] as Record<string, string>)).toEqual(want);
  });

  it('spares the system namespaces it names, by the label the apiserver adds to every namespace', () => {
    expect(hits(AUTO, {}, {}, 'kube-system')).toEqual([]);
    expect(hits(AUTO, {}, {}, 'local-path-storage')).toEqual([]);
    expect(hits(AUTO, {}, {}, 'kube-systems')).toEqual([`${I}/auto`]);
  });
});

describe('the stable 1.30 revision with the default tag (istiod-1.30-rev-tag-default.mwc.yaml)', () => {
  it('selects on its own revision, not the canary\'s', () => {
    expect(hits(STABLE, { 'istio.io/rev': '1-30-4-dev' }, {})).toEqual(['istio-sidecar-injector-1-30-4-dev/rev.namespace']);
    expect(hits(STABLE, { 'istio.io/rev': R }, {})).toEqual([]);
    expect(hits(STABLE, {}, { 'sidecar.istio.io/inject': 'true' })).toEqual(['istio-revision-tag-default/object']);
  });

  it('reports the tag and the revision it points at', () => {
    const [hit] = injectorsFor(STABLE, ns({ 'istio.io/rev': 'default' }), {});
    expect(hit).toMatchObject({ configuration: 'istio-revision-tag-default', revision: '1-30-4-dev', tag: 'default', failurePolicy: 'Fail', certainty: 'selects' });
  });
});

describe('canaryInjection: the one label change that spares a pod, checked by evaluating again', () => {
  const canaryNs = ns({ 'app.kubernetes.io/managed-by': 'ambient-canary', 'istio.io/dataplane-mode': 'ambient' }, 'bookinfo-1-31-0-dev');

  it('leaves out pods no injector selects', () => {
    expect(canaryInjection([...TAGGED, ...STABLE], canaryNs, [{ deployment: 'bookinfo/reviews', labels: { app: 'reviews' } }])).toEqual([]);
  });

  it('a pod label that selects: remove it', () => {
    const [found] = canaryInjection(TAGGED, canaryNs, [{ deployment: 'bookinfo/reviews', labels: { app: 'reviews', 'sidecar.istio.io/inject': 'true' } }]);
    expect(found?.hits.map((h) => h.webhook)).toEqual(['object.sidecar-injector.istio.io']);
    expect(found?.fix).toEqual({ on: 'pod-template', action: 'remove', key: 'sidecar.istio.io/inject', value: 'true' });
  });

  it('when removing it lets another webhook select (auto), Istio\'s opt-out instead', () => {
    const [found] = canaryInjection(AUTO, canaryNs, [{ deployment: 'bookinfo/reviews', labels: { 'sidecar.istio.io/inject': 'true' } }]);
    expect(found?.fix).toEqual({ on: 'pod-template', action: 'set', key: 'sidecar.istio.io/inject', value: 'false' });
    const [plain] = canaryInjection(AUTO, canaryNs, [{ deployment: 'bookinfo/ratings', labels: { app: 'ratings' } }]);
    expect(plain?.hits.map((h) => h.webhook)).toEqual(['auto.sidecar-injector.istio.io']);
    expect(plain?.fix).toEqual({ on: 'pod-template', action: 'set', key: 'sidecar.istio.io/inject', value: 'false' });
  });

  it('the namespace the product used to create (istio.io/rev=<to>) is selected; what the user controls comes first: the opt-out', () => {
    const old = ns({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': R }, 'bookinfo-1-31-0-dev');
    const [found] = canaryInjection(REV, old, [{ deployment: 'bookinfo/reviews', labels: { app: 'reviews' } }]);
    expect(found?.hits.map((h) => `${h.configuration}/${h.webhook}`)).toEqual([`istio-sidecar-injector-${R}/rev.namespace.sidecar-injector.istio.io`]);
    expect(found?.fix).toEqual({ on: 'pod-template', action: 'set', key: 'sidecar.istio.io/inject', value: 'false' });
  });

  it('a namespace label is the fix only when nothing on the pod spares it', () => {
    const byNamespace = config('team', [webhook({ name: 'team.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } })]);
    const [found] = canaryInjection([byNamespace], canaryNs, [{ deployment: 'bookinfo/reviews', labels: { 'sidecar.istio.io/inject': 'false' } }]);
    expect(found?.fix).toEqual({ on: 'namespace', action: 'remove', key: 'istio.io/dataplane-mode', value: 'ambient' });
  });

  it('no single change when a webhook selects everything', () => {
    const everything = config('catch-all', [webhook({ name: 'all.sidecar-injector.istio.io' })]);
    const [found] = canaryInjection([everything], canaryNs, [{ deployment: 'bookinfo/reviews', labels: {} }]);
    expect(found?.fix).toBeUndefined();
  });
});

const POD_CREATE: WebhookRule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: undefined };

function webhook(o: Partial<MutatingWebhookFacts>): MutatingWebhookFacts {
  return { name: 'x.sidecar-injector.istio.io', service: undefined, url: undefined, rules: [POD_CREATE], matchPolicy: 'Equivalent', failurePolicy: undefined, namespaceSelector: undefined, objectSelector: undefined, matchConditions: [], ...o };
}

function config(name: string, hooks: MutatingWebhookFacts[], labels: Record<string, string> = {}): WebhookConfigurationFacts {
  return { name, labels, webhooks: hooks };
}

describe('interceptsPodCreate: the apiserver\'s rule matching for CREATE of core v1 pods', () => {
  const rule = (r: Partial<WebhookRule>): WebhookRule[] => [{ ...POD_CREATE, ...r }];
  it.each([
    ['pods, CREATE, core v1', {}, true],
    ['every operation', { operations: ['*'] }, true],
    ['UPDATE only', { operations: ['UPDATE'] }, false],
    ['CONNECT and CREATE', { operations: ['CONNECT', 'CREATE'] }, true],
    ['every group', { apiGroups: ['*'] }, true],
    ['apps only', { apiGroups: ['apps'] }, false],
    ['every version', { apiVersions: ['*'] }, true],
    ['v1beta1 only (pods are served only as v1, so matchPolicy Equivalent adds nothing)', { apiVersions: ['v1beta1'] }, false],
    ['every resource', { resources: ['*'] }, true],
    ['every resource and subresource', { resources: ['*/*'] }, true],
    ['pods/* (its subresource part also matches the pod itself)', { resources: ['pods/*'] }, true],
    ['pods/status only', { resources: ['pods/status'] }, false],
    ['deployments only', { resources: ['deployments'] }, false],
    ['scope Namespaced', { scope: 'Namespaced' }, true],
    ['scope *', { scope: '*' }, true],
    ['scope Cluster', { scope: 'Cluster' }, false],
  ] as const)('%s', (_name, r, expected) => {
    expect(interceptsPodCreate(rule(r))).toBe(expected);
  });

  it('any one matching rule is enough; no rule is none', () => {
    expect(interceptsPodCreate([{ ...POD_CREATE, resources: ['services'] }, POD_CREATE])).toBe(true);
    expect(interceptsPodCreate([])).toBe(false);
  });
});

describe('isIstioInjector', () => {
  it.each([
    ['the chart\'s webhook names', webhook({ name: 'rev.object.sidecar-injector.istio.io' }), true],
    ['istiod\'s /inject path, whatever the name', webhook({ name: 'my-injector.example.com', service: { namespace: 'istio-system', name: 'istiod', path: '/inject/cluster/remote/net/n1' } }), true],
    ['a remote istiod by URL', webhook({ name: 'remote.example.com', url: 'https://istiod.example.com:15017/inject' }), true],
    ['another mutating webhook', webhook({ name: 'vault.hashicorp.com', service: { namespace: 'vault', name: 'injector', path: '/mutate' } }), false],
    ['a URL that is not one', webhook({ name: 'other.example.com', url: 'not a url' }), false],
  ] as const)('%s', (_name, w, expected) => {
    expect(isIstioInjector(w)).toBe(expected);
  });

  it('only Istio injectors are reported, however broadly another webhook selects', () => {
    expect(injectorsFor([config('vault', [webhook({ name: 'vault.hashicorp.com', service: { namespace: 'v', name: 'v', path: '/mutate' } })])], ns({}), {})).toEqual([]);
  });
});

describe('webhookDecision: what the apiserver cannot decide ahead', () => {
  it('matchConditions: selected by its selectors, the CEL decides at run time: may', () => {
    const w = webhook({ matchConditions: ['not-dry-run', 'only-team-a'] });
    expect(webhookDecision(w, ns({}), {})).toEqual({ certainty: 'may', caveat: 'its matchConditions (not-dry-run, only-team-a) are CEL, not evaluated here' });
    expect(webhookDecision({ ...w, objectSelector: { matchLabels: { a: 'b' } } }, ns({}), {})).toBeUndefined();
  });

  it('a selector the apiserver cannot parse refuses the pod, if the other selector and a rule match', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] };
    expect(webhookDecision(webhook({ objectSelector: bad }), ns({}), {})).toMatchObject({ certainty: 'may', caveat: expect.stringMatching(/cannot be parsed \(a In needs at least one value\)/) });
    expect(webhookDecision(webhook({ objectSelector: bad, namespaceSelector: { matchLabels: { team: 'a' } } }), ns({}), {})).toBeUndefined();
    expect(webhookDecision(webhook({ namespaceSelector: bad, rules: [] }), ns({}), {})).toBeUndefined();
  });

  it('failurePolicy defaults to Fail, as the apiserver defaults it', () => {
    expect(injectorsFor([config('c', [webhook({})])], ns({}), {})[0]?.failurePolicy).toBe('Fail');
    expect(injectorsFor([config('c', [webhook({ failurePolicy: 'Ignore' })])], ns({}), {})[0]?.failurePolicy).toBe('Ignore');
  });
});
