import { describe, expect, it } from 'vitest';
import { DEFAULT_TAG_INJECTOR, DEFAULT_VALIDATOR } from '../../../src/mesh/charts.js';
import { HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE, singletonWebhookFacts, type RawWebhookConfiguration } from '../../../src/mesh/webhook-facts.js';
import { rendered } from './fixtures/load.js';

/** An object of a fixture as the cluster holds it once helm applied it: helm adds its ownership annotations (pkg/action/validate.go). */
function applied(file: string, name: string, release?: { name: string; namespace: string }): RawWebhookConfiguration {
  const found = rendered(file).find((d) => (d['metadata'] as { name?: string } | undefined)?.name === name) as RawWebhookConfiguration | undefined;
  if (!found) throw new Error(`no ${name} in ${file}`);
  const annotations: Record<string, string> = release ? { [HELM_RELEASE_NAME]: release.name, [HELM_RELEASE_NAMESPACE]: release.namespace } : {};
  return { ...found, metadata: { ...found.metadata, annotations } };
}

describe('singletonWebhookFacts on what Istio\'s real charts render', () => {
  it('istio-base\'s validator after promote\'s upgrade: its release, the revision it names, the Service it calls', () => {
    const v = singletonWebhookFacts(applied('base-1.30-upgrade.objects.yaml', DEFAULT_VALIDATOR, { name: 'istio-base', namespace: 'istio-system' }));
    expect(v).toEqual({ name: DEFAULT_VALIDATOR, release: { name: 'istio-base', namespace: 'istio-system' }, revision: '1-31-0-dev', services: [{ namespace: 'istio-system', name: 'istiod-1-31-0-dev' }] });
  });

  it('the validator as `helm upgrade` renders it has no failurePolicy: the API default, Fail, refuses every Istio config write its istiod does not answer', () => {
    const [vwc] = rendered('base-1.30-upgrade.objects.yaml').filter((d) => d['kind'] === 'ValidatingWebhookConfiguration') as { webhooks: Record<string, unknown>[] }[];
    expect(vwc?.webhooks.map((w) => w['failurePolicy'])).toEqual([undefined]);
    expect(vwc?.webhooks[0]?.['rules']).toEqual([{ operations: ['CREATE', 'UPDATE'], apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], apiVersions: ['*'], resources: ['*'] }]);
  });

  it('the default tag\'s injector names the istiod release that rendered it', () => {
    const tag = singletonWebhookFacts(applied('istiod-1.30-rev-tag-default.mwc.yaml', DEFAULT_TAG_INJECTOR, { name: 'istiod-1-30-4-dev', namespace: 'istio-system' }));
    expect(tag.release).toEqual({ name: 'istiod-1-30-4-dev', namespace: 'istio-system' });
    expect(tag.revision).toBe('1-30-4-dev');
    expect(new Set(tag.services.map((s) => `${s.namespace}/${s.name}`))).toEqual(new Set(['istio-system/istiod-1-30-4-dev']));
  });

  it('an object applied without helm (or with only one of its annotations) belongs to no release', () => {
    expect(singletonWebhookFacts(applied('base-1.30-upgrade.objects.yaml', DEFAULT_VALIDATOR)).release).toBeUndefined();
    const half = applied('base-1.30-upgrade.objects.yaml', DEFAULT_VALIDATOR);
    expect(singletonWebhookFacts({ ...half, metadata: { ...half.metadata, annotations: { [HELM_RELEASE_NAME]: 'istio-base' } } }).release).toBeUndefined();
  });
});
