import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1.5s', 1500],
    ['0s', 0],
    [' 30s ', 30_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['60', 'a bare number: seconds or minutes?'],
    ['', 'empty'],
    ['s', 'a unit without an amount'],
    ['30 s', 'a space inside'],
    ['1d', 'days are not a unit kubectl knows'],
    ['30sec', 'a long unit name'],
    ['-5s', 'a negative duration'],
    ['5m-', 'trailing text'],
    ['1h30', 'a trailing bare number'],
  ])('refuses %j (%s)', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [1500, '1500ms'],
  ])('%i ms prints as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([1, 999, 1000, 61_000, 300_000, 5_400_000, 7_200_000])('%i ms survives print and read back', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
