import { describe, expect, it } from 'vitest';
import { keyByPath } from '../../../src/config/keys.js';

import { problems, resolve } from '../config/resolve-support.js';

describe('the step judge settings (slo.*, load.profile)', () => {
  it('has a flag for every key', () => {
    for (const path of ['slo.successRate', 'slo.p99', 'slo.minSamples', 'slo.window', 'slo.p99Ratio', 'slo.policy', 'slo.falseAbortRate', 'load.profile']) expect(keyByPath(path)?.flag, path).toBeTruthy();
  });

  it('defaults to 99.5%, p99 500 ms, 20 samples, 1 s windows, ratio 1.5, the mesh policy at 1% false aborts a run and the shipped profile', () => {
    const c = resolve({});
    expect(c.slo).toEqual({ successRate: 0.995, p99Ms: 500, minSamples: 20, windowMs: 1000, p99Ratio: 1.5, policy: 'mesh', falseAbortRate: 0.01 });
    expect(c.load.profile).toBeUndefined();
    expect(c.steps.bakeMs).toBe(60_000);
  });

  it('reads flags (text) and file values (numbers)', () => {
    const c = resolve({ 'slo.successRate': '99.9%', 'slo.p99': '250ms', 'slo.minSamples': '50', 'slo.window': '2s', 'slo.p99Ratio': 2, 'slo.policy': 'absolute', 'slo.falseAbortRate': '0.5%', 'load.profile': 'loadtests/x.yaml' });
    expect(c.slo).toEqual({ successRate: 0.999, p99Ms: 250, minSamples: 50, windowMs: 2000, p99Ratio: 2, policy: 'absolute', falseAbortRate: 0.005 });
    expect(c.load.profile).toBe('loadtests/x.yaml');
    expect(resolve({ 'slo.successRate': 99 }).slo.successRate).toBe(0.99);
  });

  it.each([
    [{ 'slo.successRate': 100 }, /^canary.yaml: slo.successRate: 100 leaves no error budget/],
    [{ 'slo.successRate': '99.99999999995' }, /^canary.yaml: slo.successRate: 99.99999999995 leaves no error budget/],
    [{ 'slo.successRate': 0 }, /^canary.yaml: slo.successRate: must be above 0/],
    [{ 'slo.successRate': 'high' }, /^canary.yaml: slo.successRate: expects a percentage such as 99.5/],
    [{ 'slo.p99': 500 }, /^canary.yaml: slo.p99: needs a unit/],
    [{ 'slo.minSamples': 0 }, /^canary.yaml: slo.minSamples: must be at least 1/],
    [{ 'slo.window': '500ms' }, /^canary.yaml: slo.window: must be at least 1000ms/],
    [{ 'slo.p99Ratio': 1 }, /^canary.yaml: slo.p99Ratio: must be above 1/],
    [{ 'load.profile': '' }, /^canary.yaml: load.profile: expects a non-empty text/],
    [{ 'slo.policy': 'relative' }, /^canary.yaml: slo.policy: "relative" is not a policy: write mesh .* or absolute/],
    [{ 'slo.falseAbortRate': 20 }, /^canary.yaml: slo.falseAbortRate: 20% would abort more than one healthy run in ten/],
    [{ 'slo.falseAbortRate': 0 }, /^canary.yaml: slo.falseAbortRate: must be above 0/],
  ])('refuses %j with the field named', (values, message) => {
    expect(problems(values).join('\n')).toMatch(message);
  });

  it('names the flag when the value came from one', () => {
    expect(problems({ 'slo.successRate': '100' }, ['slo.successRate'])[0]).toMatch(/^--slo-success-rate: /);
  });
});
