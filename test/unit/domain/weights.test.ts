import { describe, expect, it } from 'vitest';
import { ALL_CANARY, ALL_STABLE, formatWeights, nextWeight, sameWeights, weightsFor } from '../../../src/domain/weights.js';

describe('weightsFor', () => {
  it.each([
    [0, { stable: 100, canary: 0 }],
    [1, { stable: 99, canary: 1 }],
    [10, { stable: 90, canary: 10 }],
    [50, { stable: 50, canary: 50 }],
    [100, { stable: 0, canary: 100 }],
  ])('canary %i%% leaves the rest on stable', (canary, pair) => {
    expect(weightsFor(canary)).toEqual(pair);
  });

  it('gives the named splits at the edges', () => {
    expect(weightsFor(0)).toEqual(ALL_STABLE);
    expect(weightsFor(100)).toEqual(ALL_CANARY);
  });

  it.each([-1, 101, 10.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s, naming the value', (bad) => {
    expect(() => weightsFor(bad)).toThrow(RangeError);
    expect(() => weightsFor(bad)).toThrow(String(bad));
  });
});

describe('sameWeights and formatWeights', () => {
  it.each([
    [{ stable: 90, canary: 10 }, { stable: 90, canary: 10 }, true],
    [{ stable: 90, canary: 10 }, { stable: 10, canary: 90 }, false],
    [{ stable: 100, canary: 0 }, { stable: 100, canary: 1 }, false],
  ])('%j vs %j: %s', (a, b, same) => {
    expect(sameWeights(a, b)).toBe(same);
  });

  it('prints stable first, as the status and plan show it', () => {
    expect(formatWeights({ stable: 90, canary: 10 })).toBe('90/10');
  });
});

describe('nextWeight', () => {
  const schedule = [10, 50, 100];
  it.each<[number, number | undefined, string]>([
    [0, 10, 'a run at 0 starts at the first step'],
    [10, 50, 'after the first step comes the second'],
    [50, 100, 'after 50 comes 100'],
    [100, undefined, 'at the end there is no next step'],
    [30, 50, 'a weight between steps resumes at the next one above it'],
  ])('at %i the next weight is %s (%s)', (current, next) => {
    expect(nextWeight(schedule, current)).toBe(next);
  });
});
