import { describe, expect, it } from 'vitest';
import type { ClusterFacts, SingletonWebhookFacts } from '../../../src/mesh/cluster-facts.js';
import { baseDecision, promoteTail, tagDecision, validatorPatchCommand, type TailStep } from '../../../src/mesh/promote-tail.js';
import { healthy, validator } from '../../support/preflight-builders.js';
import { config, plan } from '../../support/scenario.js';

/** The healthy 1.29.6 mesh (istio-base a Helm release with defaultRevision=1-29-6, istiod-1-29-6 ours and holding the tag), then `change`. */
function facts(change: (f: ClusterFacts) => ClusterFacts = (f) => f): ClusterFacts {
  return change(healthy().facts);
}

const stableForeign = (f: ClusterFacts): ClusterFacts => ({ ...f, releases: f.releases.map((r) => (r.name.endsWith('1-29-6') ? { ...r, owned: false } : r)) });
const stableGone = (f: ClusterFacts): ClusterFacts => ({ ...f, releases: f.releases.filter((r) => r.name !== 'istiod-1-29-6') });
const tagHeldBy = (release: string | undefined) => (f: ClusterFacts): ClusterFacts => ({
  ...f,
  defaultTagInjector: { name: 'istio-revision-tag-default', release: release ? { name: release, namespace: 'istio-system' } : undefined, revision: '1-29-6', services: [] },
});
const noTag = (f: ClusterFacts): ClusterFacts => ({ ...f, defaultTagInjector: undefined });
const withValidator = (v: SingletonWebhookFacts | undefined) => (f: ClusterFacts): ClusterFacts => ({ ...f, defaultValidator: v });
const FOLDER = { 'istio.chartRepo': './charts' };

describe('baseDecision: what promote does about istio-base\'s validator', () => {
  it.each<[string, (f: ClusterFacts) => ClusterFacts, Record<string, unknown>, ReturnType<typeof baseDecision>]>([
    ['through the stable revision, a Helm release: moved', (f) => f, {}, { kind: 'move', release: 'istio-base', namespace: 'istio-system' }],
    ['the release and namespace the annotations name', withValidator(validator('1-29-6', { name: 'base', namespace: 'istio-config' })), {}, { kind: 'move', release: 'base', namespace: 'istio-config' }],
    ['through the stable revision, its istiod already gone (a resumed promote): still moved', stableGone, {}, { kind: 'move', release: 'istio-base', namespace: 'istio-system' }],
    ['only its Service names the stable revision (no label): moved', withValidator({ ...validator('1-29-6'), revision: undefined }), {}, { kind: 'move', release: 'istio-base', namespace: 'istio-system' }],
    ['only its label names the stable revision (a URL, no Service): not ours to move', withValidator({ ...validator('1-29-6'), services: [] }), {}, { kind: 'elsewhere', through: 'a URL, not a Service' }],
    ['the same revision name in another mesh\'s Istio namespace', withValidator({ ...validator('1-29-6'), services: [{ namespace: 'istio-other', name: 'istiod-1-29-6' }] }), {}, { kind: 'elsewhere', through: 'Service istio-other/istiod-1-29-6' }],
    ['already through the canary', withValidator(validator('1-30-3')), {}, { kind: 'moved' }],
    [
      'through the canary, but its release left pending by a helm stopped mid-way: finished properly',
      (f) => withValidator(validator('1-30-3'))({ ...f, releases: f.releases.map((r) => (r.name === 'istio-base' ? { ...r, status: 'pending-upgrade' } : r)) }),
      {},
      { kind: 'move', release: 'istio-base', namespace: 'istio-system' },
    ],
    ['through another revision', withValidator(validator('1-28-0')), {}, { kind: 'elsewhere', through: 'Service istio-system/istiod-1-28-0' }],
    ['the chart default "default" (Service istiod)', withValidator({ ...validator('default'), services: [{ namespace: 'istio-system', name: 'istiod' }] }), {}, { kind: 'elsewhere', through: 'Service istio-system/istiod' }],
    ['no validator (defaultRevision "" renders none)', withValidator(undefined), {}, { kind: 'absent' }],
    ['the stable istiod is not ours and stays', stableForeign, {}, { kind: 'stays', release: { name: 'istio-base', namespace: 'istio-system' } }],
    ['no Helm release owns it', withValidator({ ...validator('1-29-6'), release: undefined }), {}, { kind: 'not-helm' }],
    ['a chart folder cannot give the installed version', (f) => f, FOLDER, { kind: 'unpinned', release: 'istio-base', namespace: 'istio-system' }],
  ])('%s', (_name, change, values, expected) => {
    expect(baseDecision(config(values), facts(change))).toEqual(expected);
  });
});

describe('tagDecision: what promote does about the default revision tag', () => {
  it.each<[string, (f: ClusterFacts) => ClusterFacts, Record<string, unknown>, ReturnType<typeof tagDecision>]>([
    ['the stable istiod (ours) holds it: handed over', (f) => f, {}, { kind: 'hand-over' }],
    ['nobody holds it: taken', noTag, {}, { kind: 'take' }],
    ['the canary holds it already (a resumed promote): taken again (idempotent)', tagHeldBy('istiod-1-30-3'), {}, { kind: 'take' }],
    ['--no-default-tag', (f) => f, { 'istio.defaultTag': false }, { kind: 'off' }],
    ['the stable istiod is not ours', stableForeign, {}, { kind: 'keep', why: 'stable-not-ours', holder: 'istiod-1-29-6' }],
    ['another release holds it', tagHeldBy('istiod-prod'), {}, { kind: 'keep', why: 'held-elsewhere', holder: 'istio-system/istiod-prod' }],
    [
      'a release of the same name in another mesh\'s namespace holds it',
      (f) => ({ ...f, defaultTagInjector: { name: 'istio-revision-tag-default', release: { name: 'istiod-1-29-6', namespace: 'istio-other' }, revision: '1-29-6', services: [] } }),
      {},
      { kind: 'keep', why: 'held-elsewhere', holder: 'istio-other/istiod-1-29-6' },
    ],
    ['no Helm release owns it (istioctl tag set)', tagHeldBy(undefined), {}, { kind: 'keep', why: 'held-elsewhere', holder: undefined }],
    ['its webhook names the stable release, which is gone', (f) => stableGone(f), {}, { kind: 'keep', why: 'held-elsewhere', holder: 'istio-system/istiod-1-29-6' }],
    ['a chart folder: taken after the stable istiod is removed', (f) => f, FOLDER, { kind: 'after-uninstall' }],
  ])('%s', (_name, change, values, expected) => {
    expect(tagDecision(config(values), facts(change))).toEqual(expected);
  });
});

/** The steps in one line each: `base istio-base`, `tag <- istiod-1-29-6`, `uninstall ztunnel-1-29-6`, `note <first five words>`, `stop …`. */
function brief(steps: TailStep[]): string[] {
  return steps.map((s) => {
    switch (s.kind) {
      case 'base':
        return `base ${s.namespace}/${s.release}`;
      case 'default-tag':
        return s.from ? `tag <- ${s.from}` : 'tag';
      case 'uninstall':
        return `uninstall ${s.release}`;
      case 'note':
        return `note ${s.message.split(' ').slice(0, 5).join(' ')}`;
      case 'stop':
        return `stop ${s.object}`;
    }
  });
}

describe('promoteTail: the order of the end of promote', () => {
  const tail = (change: (f: ClusterFacts) => ClusterFacts = (f) => f, values: Record<string, unknown> = {}) => brief(promoteTail(config(values), plan(config(values)), facts(change)));

  it.each<[string, (f: ClusterFacts) => ClusterFacts, Record<string, unknown>, string[]]>([
    ['base, then the tag handed over, then the stable releases', (f) => f, {}, ['base istio-system/istio-base', 'tag <- istiod-1-29-6', 'uninstall ztunnel-1-29-6', 'uninstall istiod-1-29-6']],
    ['resumed after the base and the tag moved', (f) => tagHeldBy('istiod-1-30-3')(withValidator(validator('1-30-3'))(f)), {}, ['tag', 'uninstall ztunnel-1-29-6', 'uninstall istiod-1-29-6']],
    ['resumed after everything but the last uninstall', (f) => tagHeldBy('istiod-1-30-3')(withValidator(validator('1-30-3'))({ ...f, releases: f.releases.filter((r) => r.name !== 'ztunnel-1-29-6') })), {}, ['tag', 'uninstall istiod-1-29-6']],
    ['--no-default-tag: the tag goes with the stable istiod', (f) => f, { 'istio.defaultTag': false }, ['base istio-system/istio-base', 'uninstall ztunnel-1-29-6', 'uninstall istiod-1-29-6']],
    ['a stable revision not ours: notes only', stableForeign, {}, ['note istiod-default-validator left validating through 1-29-6,', 'note Helm release ztunnel-1-29-6 was not', 'note Helm release istiod-1-29-6 was not', 'note default revision tag not moved:']],
    ['a validator no Helm release owns: stop before anything', withValidator({ ...validator('1-29-6'), release: undefined }), {}, ['stop ValidatingWebhookConfiguration istiod-default-validator']],
    ['a chart folder: stop at the base (its version cannot be pinned)', (f) => f, FOLDER, ['stop ValidatingWebhookConfiguration istiod-default-validator']],
    ['a chart folder, the base already moved: the tag after the uninstall, said', withValidator(validator('1-30-3')), FOLDER, ['uninstall ztunnel-1-29-6', 'uninstall istiod-1-29-6', 'note the default revision tag moves', 'tag']],
  ])('%s', (_name, change, values, expected) => {
    expect(tail(change, values)).toEqual(expected);
  });

  it('a stop names the command that lets promote go on', () => {
    const [stop] = promoteTail(config(), plan(config()), facts(withValidator({ ...validator('1-29-6'), release: undefined })));
    expect(stop).toEqual({ kind: 'stop', message: expect.stringMatching(/no Helm release owns it/), command: validatorPatchCommand(config()), object: 'ValidatingWebhookConfiguration istiod-default-validator' });
    const [folder] = promoteTail(config(FOLDER), plan(config(FOLDER)), facts());
    expect(folder).toMatchObject({ command: "helm upgrade istio-base istio/base --version '<installed version>' --reuse-values --set-string defaultRevision=1-30-3 --namespace istio-system --wait --timeout 5m" });
  });

  it('the validator is re-pointed by hand as the base chart renders it: its istio.io/rev label and its Service', () => {
    const command = validatorPatchCommand(config());
    const ops = JSON.parse(/-p '(.*)'$/.exec(command)?.[1] ?? '[]') as { op: string; path: string; value: string }[];
    expect(command).toMatch(/^kubectl patch validatingwebhookconfiguration istiod-default-validator --type json -p /);
    expect(ops).toEqual([
      { op: 'add', path: '/metadata/labels/istio.io~1rev', value: '1-30-3' },
      { op: 'add', path: '/webhooks/0/clientConfig/service/name', value: 'istiod-1-30-3' },
    ]);
  });
});
