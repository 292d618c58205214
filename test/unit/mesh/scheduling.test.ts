import { describe, expect, it } from 'vitest';
import type { NodeSelectorRequirement, NodeSelectorTerms } from '../../../src/mesh/cluster-facts.js';
import { daemonSetSelects, hasTaint, isPinned } from '../../../src/mesh/scheduling.js';

const node = { 'istio.io/rev': '1-29-6', zone: 'a', cores: '8' };
const req = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement => ({ key, operator, values });
const affinity = (...terms: NodeSelectorRequirement[][]): NodeSelectorTerms => terms.map((matchExpressions) => ({ matchExpressions }));

describe('daemonSetSelects: node affinity operators', () => {
  it.each([
    [req('istio.io/rev', 'In', ['1-29-6', '1-28-0']), true],
    [req('istio.io/rev', 'In', ['1-30-3']), false],
    [req('missing', 'In', ['x']), false],
    [req('istio.io/rev', 'NotIn', ['1-30-3']), true],
    [req('istio.io/rev', 'NotIn', ['1-29-6']), false],
    [req('missing', 'NotIn', ['x']), true],
    [req('istio.io/rev', 'Exists'), true],
    [req('missing', 'Exists'), false],
    [req('istio.io/rev', 'DoesNotExist'), false],
    [req('missing', 'DoesNotExist'), true],
    [req('cores', 'Gt', ['4']), true],
    [req('cores', 'Gt', ['8']), false],
    [req('cores', 'Gt', ['10']), false],
    [req('cores', 'Lt', ['10']), true],
    [req('cores', 'Lt', ['8']), false],
    [req('zone', 'Gt', ['1']), false],
    [req('missing', 'Gt', ['1']), false],
    [req('missing', 'Lt', ['1']), false],
  ])('%j on {rev: 1-29-6, zone: a, cores: 8} -> %s', (requirement, expected) => {
    expect(daemonSetSelects({ nodeSelector: {}, requiredAffinity: affinity([requirement]) }, node)).toBe(expected);
  });

  it('needs every requirement of a term (AND)', () => {
    const terms = affinity([req('istio.io/rev', 'In', ['1-29-6']), req('zone', 'In', ['b'])]);
    expect(daemonSetSelects({ nodeSelector: {}, requiredAffinity: terms }, node)).toBe(false);
  });

  it('needs any one of the terms (OR)', () => {
    const terms = affinity([req('zone', 'In', ['b'])], [req('istio.io/rev', 'In', ['1-29-6'])]);
    expect(daemonSetSelects({ nodeSelector: {}, requiredAffinity: terms }, node)).toBe(true);
  });

  it('runs everywhere without selector or affinity', () => {
    expect(daemonSetSelects({ nodeSelector: {}, requiredAffinity: undefined }, {})).toBe(true);
    expect(daemonSetSelects({ nodeSelector: {}, requiredAffinity: [] }, node)).toBe(true);
  });
});

describe('daemonSetSelects: nodeSelector', () => {
  it.each([
    [{ 'istio.io/rev': '1-29-6' }, true],
    [{ 'istio.io/rev': '1-30-3' }, false],
    [{ 'istio.io/rev': '1-29-6', zone: 'a' }, true],
    [{ 'istio.io/rev': '1-29-6', zone: 'b' }, false],
    [{ missing: '' }, false],
  ])('%j -> %s', (nodeSelector, expected) => {
    expect(daemonSetSelects({ nodeSelector, requiredAffinity: undefined }, node)).toBe(expected);
  });

  it('needs both the nodeSelector and the affinity to match', () => {
    expect(daemonSetSelects({ nodeSelector: { zone: 'a' }, requiredAffinity: affinity([req('cores', 'Gt', ['16'])]) }, node)).toBe(false);
    expect(daemonSetSelects({ nodeSelector: { zone: 'a' }, requiredAffinity: affinity([req('cores', 'Gt', ['4'])]) }, node)).toBe(true);
  });
});

describe('isPinned and hasTaint', () => {
  it.each([
    [{ nodeSelector: {}, requiredAffinity: undefined }, false],
    [{ nodeSelector: {}, requiredAffinity: [] }, false],
    [{ nodeSelector: { 'istio.io/rev': '1-29-6' }, requiredAffinity: undefined }, true],
    [{ nodeSelector: {}, requiredAffinity: affinity([req('istio.io/rev', 'NotIn', ['1-30-3'])]) }, true],
  ])('%j pinned: %s', (ds, pinned) => {
    expect(isPinned(ds)).toBe(pinned);
  });

  it('matches a taint on key, value and effect', () => {
    const n = { name: 'n1', labels: {}, unschedulable: false, ready: true, taints: [{ key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' }] };
    expect(hasTaint(n, { key: 'istio.io/rev', value: '1-30-3', effect: 'NoSchedule' })).toBe(true);
    expect(hasTaint(n, { key: 'istio.io/rev', value: '1-29-6', effect: 'NoSchedule' })).toBe(false);
    expect(hasTaint(n, { key: 'istio.io/rev', value: '1-30-3', effect: 'NoExecute' })).toBe(false);
  });
});
