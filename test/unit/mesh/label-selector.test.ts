import { describe, expect, it } from 'vitest';
import type { LabelSelector } from '../../../src/mesh/cluster-facts.js';
import { namespaceLabels, selectorProblem, selects } from '../../../src/mesh/label-selector.js';

/** The apiserver's label selector semantics (apimachinery labels.Requirement.Matches), case by case. */
describe('selects', () => {
  const cases: Array<[string, LabelSelector | undefined, Record<string, string>, boolean]> = [
    ['an absent selector (the apiserver defaults it to {}) matches everything', undefined, { a: '1' }, true],
    ['an empty selector matches everything', {}, {}, true],
    ['empty lists are an empty selector', { matchLabels: {}, matchExpressions: [] }, { x: 'y' }, true],
    ['matchLabels: the value must be equal', { matchLabels: { app: 'web' } }, { app: 'web', v: '1' }, true],
    ['matchLabels: another value', { matchLabels: { app: 'web' } }, { app: 'api' }, false],
    ['matchLabels: absent key', { matchLabels: { app: 'web' } }, {}, false],
    ['matchLabels: an empty value is a value', { matchLabels: { app: '' } }, { app: '' }, true],
    ['In: a listed value', { matchExpressions: [{ key: 'rev', operator: 'In', values: ['a', 'b'] }] }, { rev: 'b' }, true],
    ['In: an unlisted value', { matchExpressions: [{ key: 'rev', operator: 'In', values: ['a'] }] }, { rev: 'c' }, false],
    ['In: absent key', { matchExpressions: [{ key: 'rev', operator: 'In', values: ['a'] }] }, {}, false],
    ['NotIn: absent key matches', { matchExpressions: [{ key: 'inject', operator: 'NotIn', values: ['false'] }] }, {}, true],
    ['NotIn: another value matches', { matchExpressions: [{ key: 'inject', operator: 'NotIn', values: ['false'] }] }, { inject: 'true' }, true],
    ['NotIn: a listed value does not', { matchExpressions: [{ key: 'inject', operator: 'NotIn', values: ['false'] }] }, { inject: 'false' }, false],
    ['Exists: present, even empty', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['Exists: absent', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {}, false],
    ['DoesNotExist: absent', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { b: '1' }, true],
    ['DoesNotExist: present', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '1' }, false],
    ['every requirement must hold (AND), matchLabels with matchExpressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'rev', operator: 'DoesNotExist' }] }, { app: 'web', rev: 'x' }, false],
    ['keys are case-sensitive', { matchLabels: { App: 'web' } }, { app: 'web' }, false],
    ['an unknown operator never matches', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, { a: '2' }, false],
  ];
  it.each(cases)('%s', (_name, selector, labels, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });
});

describe('selectorProblem: what LabelSelectorAsSelector refuses', () => {
  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, 'a In needs at least one value'],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, 'a NotIn needs at least one value'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'a Exists takes no values'],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }, 'a DoesNotExist takes no values'],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a label selector operator'],
  ] as const)('%j: %s', (selector, problem) => {
    expect(selectorProblem(selector)).toBe(problem);
  });

  it('accepts valid and empty selectors', () => {
    expect(selectorProblem(undefined)).toBeUndefined();
    expect(selectorProblem({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'In', values: ['c'] }] })).toBeUndefined();
  });
});

describe('namespaceLabels', () => {
  it('adds the label the apiserver gives every namespace, over any value a manifest claims', () => {
    expect(namespaceLabels('shop', { team: 'a', 'kubernetes.io/metadata.name': 'other' })).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
  });
});
