import { describe, expect, it } from 'vitest';
import { sourceFigure } from '../../../src/domain/verdict.js';

describe('a figure by its plain name, whichever source produced it', () => {
  it('takes the load source first, then Prometheus, then a record written before sources were named', () => {
    expect(sourceFigure({ 'load.canaryRequests': 500, 'prometheus.canaryRequests': 480 }, 'canaryRequests')).toBe(500);
    expect(sourceFigure({ 'prometheus.canary.requests': 480 }, 'canary.requests')).toBe(480);
    expect(sourceFigure({ canaryRequests: 12 }, 'canaryRequests')).toBe(12);
    expect(sourceFigure({}, 'canaryRequests')).toBeUndefined();
  });
});
