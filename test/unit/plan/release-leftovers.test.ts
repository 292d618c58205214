import { describe, expect, it } from 'vitest';
import { leftoverObjects, manifestObjects } from '../../../src/plan/release-leftovers.js';

const doc = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  ['---', `# Source: istiod/templates/${kind.toLowerCase()}.yaml`, `apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...(namespace ? [`  namespace: ${namespace}`] : [])].join('\n');

const TAG = doc('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'istio-revision-tag-default');
const INJECTOR = doc('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'istio-sidecar-injector-1-30-4-dev');
const DEPLOYMENT = doc('apps/v1', 'Deployment', 'istiod-1-30-4-dev', 'istio-system');

describe('manifestObjects', () => {
  it('reads every object of a helm manifest, its namespace only where the manifest gives one', () => {
    expect(manifestObjects([INJECTOR, DEPLOYMENT].join('\n'))).toEqual([
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector-1-30-4-dev', namespace: undefined },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod-1-30-4-dev', namespace: 'istio-system' },
    ]);
  });

  it('skips what is not an object: an empty manifest, a template that rendered nothing, a document without kind or name', () => {
    expect(manifestObjects('')).toEqual([]);
    expect(manifestObjects('---\n# Source: istiod/templates/empty.yaml\n---\napiVersion: v1\nmetadata:\n  name: x\n---\nkind: ConfigMap\n---\n- a\n')).toEqual([]);
  });
});

describe('leftoverObjects: what a stopped upgrade had still to delete', () => {
  it('the tag webhook only the good revision renders (the stable istiod killed dropping its tags)', () => {
    expect(leftoverObjects([INJECTOR, TAG, DEPLOYMENT].join('\n'), [INJECTOR, DEPLOYMENT].join('\n'), 'istio-system').map((o) => o.name)).toEqual(['istio-revision-tag-default']);
  });

  it('nothing when the pending revision renders all the good one did, or more (an upgrade that only adds)', () => {
    expect(leftoverObjects([INJECTOR, DEPLOYMENT].join('\n'), [INJECTOR, DEPLOYMENT].join('\n'), 'istio-system')).toEqual([]);
    expect(leftoverObjects(INJECTOR, [INJECTOR, TAG].join('\n'), 'istio-system')).toEqual([]);
  });

  it('an object is the same across API versions of its group, and with or without the namespace it lands in', () => {
    const v1beta1 = doc('apps/v1beta1', 'Deployment', 'istiod-1-30-4-dev');
    expect(leftoverObjects(DEPLOYMENT, v1beta1, 'istio-system')).toEqual([]);
  });

  it('but another group, kind, name or namespace is another object', () => {
    for (const other of [
      doc('extensions/v1', 'Deployment', 'istiod-1-30-4-dev', 'istio-system'),
      doc('apps/v1', 'StatefulSet', 'istiod-1-30-4-dev', 'istio-system'),
      doc('apps/v1', 'Deployment', 'istiod-1-31-0-dev', 'istio-system'),
      doc('apps/v1', 'Deployment', 'istiod-1-30-4-dev', 'other'),
    ]) {
      expect(leftoverObjects(DEPLOYMENT, other, 'istio-system'), other).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod-1-30-4-dev', namespace: 'istio-system' }]);
    }
  });

  it('a core kind (apiVersion v1, no group) keeps its identity too', () => {
    const svc = doc('v1', 'Service', 'istiod-default');
    expect(leftoverObjects(svc, '', 'istio-system')).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'istiod-default', namespace: undefined }]);
    expect(leftoverObjects(svc, doc('v1', 'Service', 'istiod-default', 'istio-system'), 'istio-system')).toEqual([]);
  });
});
