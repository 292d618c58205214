import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../src/domain/conflict.js';
import { AbortedError, ExitCode, InfraError, InputError, InterruptedError, isCanaryError, LockedError, ManualStepError, OwnershipError } from '../../../src/domain/errors.js';
import { formatInvocation } from '../../../src/domain/helm-invocation.js';
import { describeObject } from '../../../src/domain/kube-object.js';
import { isPhaseDone, PHASES, type Phase } from '../../../src/domain/phase.js';

describe('errors carry the exit code DESIGN.md promises', () => {
  it.each([
    [new InputError([{ path: '--to', message: 'bad' }]), 2],
    [new InfraError('cluster down'), 1],
    [new ConflictError('409'), 1],
    [new NotFoundError('404'), 1],
    [new OwnershipError('not ours'), 1],
    [new ManualStepError('cannot move it', 'kubectl patch x', { resume: 'canary promote' }), 1],
    [new AbortedError('SLO breached'), 3],
    [new LockedError('ci/pid-1', undefined), 4],
    [new InterruptedError('SIGINT'), 130],
  ])('%s exits %i', (error, code) => {
    expect(error.exitCode).toBe(code);
    expect(isCanaryError(error)).toBe(true);
    expect(error.name).toBe(error.constructor.name);
  });

  it('lists every problem of an InputError, one per line, each with its path', () => {
    const error = new InputError([{ path: '--from', message: 'is required' }, { path: 'canary.yaml: steps.bake', message: 'must be longer than 0' }]);
    expect(error.message).toBe('--from: is required\ncanary.yaml: steps.bake: must be longer than 0');
  });

  it('says who holds the lock, and since when', () => {
    expect(new LockedError('ci/pid-1', '2026-11-23T12:00:00Z').message).toBe('another run holds the lock: ci/pid-1 (since 2026-11-23T12:00:00Z)');
    expect(new LockedError('ci/pid-1', undefined).message).toBe('another run holds the lock: ci/pid-1');
  });

  it('a manual step names the command to run and how to go on from there', () => {
    const error = new ManualStepError('istio-base cannot be moved', 'helm rollback istio-base --namespace istio-system --wait', { object: 'Helm release istio-system/istio-base', resume: 'canary promote' });
    expect([error.command, error.fix, error.object]).toEqual([
      'helm rollback istio-base --namespace istio-system --wait',
      'run `helm rollback istio-base --namespace istio-system --wait`, then `canary promote`',
      'Helm release istio-system/istio-base',
    ]);
  });

  it('keeps the object, the fix and the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new InfraError('cannot reach the cluster', { object: 'HTTPRoute istio-ingress/shop', fix: 'check --context', cause });
    expect([error.object, error.fix, error.cause]).toEqual(['HTTPRoute istio-ingress/shop', 'check --context', cause]);
    expect(isCanaryError(cause)).toBe(false);
    expect(ExitCode.ok).toBe(0);
  });
});

describe('formatInvocation: a command a user can paste into a shell', () => {
  const inv = (...args: string[]) => ({ bin: 'helm', args, release: 'r', namespace: 'n', mutates: true });
  it.each([
    [['upgrade', '--install', 'istiod-1-30-3'], 'helm upgrade --install istiod-1-30-3'],
    [['--set', 'revisionTags={default}'], "helm --set 'revisionTags={default}'"],
    [['--set-string', 'nodeSelector.istio\\.io/rev=1-30-3'], "helm --set-string 'nodeSelector.istio\\.io/rev=1-30-3'"],
    [['--set', 'a=b c'], "helm --set 'a=b c'"],
    [['--set', "x=it's"], "helm --set 'x=it'\\''s'"],
    [['--repo', 'https://blob.istio.io/istio-release/charts'], 'helm --repo https://blob.istio.io/istio-release/charts'],
  ])('%j -> %s', (args, text) => {
    expect(formatInvocation(inv(...args))).toBe(text);
  });
});

describe('phases', () => {
  it('run in the documented order', () => {
    expect(PHASES).toEqual(['preflight', 'canary-nodes', 'control-plane', 'data-plane', 'workloads', 'smoke', 'steps', 'promote']);
  });

  it.each<[Phase | undefined, Phase, boolean]>([
    [undefined, 'preflight', false],
    ['preflight', 'preflight', true],
    ['preflight', 'canary-nodes', false],
    ['smoke', 'data-plane', true],
    ['smoke', 'steps', false],
    ['promote', 'steps', true],
  ])('with %s done, %s is done: %s', (done, phase, expected) => {
    expect(isPhaseDone(done, phase)).toBe(expected);
  });
});

describe('describeObject', () => {
  it('names namespaced and cluster objects the way every message does', () => {
    expect(describeObject('HTTPRoute', 'istio-ingress', 'shop')).toBe('HTTPRoute istio-ingress/shop');
    expect(describeObject('Node', undefined, 'node-3')).toBe('Node node-3');
  });
});
