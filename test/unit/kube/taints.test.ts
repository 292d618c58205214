import { describe, expect, it } from 'vitest';
import { withoutTaint, withTaint } from '../../../src/kube/nodes.js';
import type { NodeTaint } from '../../../src/plan/manifests.js';

const ours: NodeTaint = { key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' };
const other = { key: 'dedicated', value: 'gpu', effect: 'NoExecute' };

describe('withTaint', () => {
  it('adds ours and keeps the others', () => {
    expect(withTaint([other], ours)).toEqual([other, ours]);
  });

  it('writes nothing when ours is already there', () => {
    expect(withTaint([other, { ...ours }], ours)).toBeUndefined();
  });

  it('replaces a taint in the same slot (key and effect) with another value', () => {
    expect(withTaint([{ key: 'istio.io/rev', value: '1-29-6', effect: 'NoSchedule' }, other], ours)).toEqual([other, ours]);
  });
});

describe('withoutTaint', () => {
  it('removes ours and keeps the others', () => {
    expect(withoutTaint([other, ours], ours)).toEqual([other]);
  });

  it('writes nothing when ours is absent', () => {
    expect(withoutTaint([other], ours)).toBeUndefined();
  });

  it('leaves the same key with another value: it is not ours', () => {
    expect(withoutTaint([{ key: 'istio.io/rev', value: '1-29-6', effect: 'NoSchedule' }], ours)).toBeUndefined();
  });
});
