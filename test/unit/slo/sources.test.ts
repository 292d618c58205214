import { describe, expect, it } from 'vitest';
import { verdict } from '../../../src/domain/verdict.js';
import { combinedDecision, combineVerdicts } from '../../../src/slo/sources.js';

const pass = verdict('pass', ['all good'], { canaryRequests: 500 });
const fail = verdict('fail', ['fast-burn: 9 of 50'], { canaryErrors: 9 });
const inconclusive = verdict('inconclusive', ['Prometheus at http://p: no data'], { readings: 3 });

describe('several sources, one step', () => {
  it('waits while any source is undecided and none has said anything but pass', () => {
    expect(combinedDecision([{ source: 'load', verdict: pass }, { source: 'prometheus', verdict: undefined }])).toBeUndefined();
    expect(combinedDecision([{ source: 'load', verdict: undefined }, { source: 'prometheus', verdict: undefined }])).toBeUndefined();
  });

  it('passes only when every source passed, with every figure named by its source', () => {
    const v = combinedDecision([{ source: 'load', verdict: pass }, { source: 'prometheus', verdict: verdict('pass', ['fine'], { 'canary.requests': 480 }) }]);
    expect(v).toEqual(verdict('pass', ['load: all good', 'prometheus: fine'], { 'load.canaryRequests': 500, 'prometheus.canary.requests': 480 }));
  });

  it('ends the step at the first non-pass, whatever the others say or would say', () => {
    expect(combinedDecision([{ source: 'load', verdict: undefined }, { source: 'prometheus', verdict: inconclusive }])).toEqual(
      verdict('inconclusive', ['prometheus: Prometheus at http://p: no data', 'load: no verdict yet when the step ended'], { 'prometheus.readings': 3 }),
    );
    expect(combinedDecision([{ source: 'load', verdict: pass }, { source: 'prometheus', verdict: inconclusive }])?.kind).toBe('inconclusive');
  });

  it('takes the worst kind, and puts its reasons first', () => {
    const v = combineVerdicts([{ source: 'prometheus', verdict: inconclusive }, { source: 'load', verdict: fail }]);
    expect(v.kind).toBe('fail');
    expect(v.reasons).toEqual(['load: fast-burn: 9 of 50', 'prometheus: Prometheus at http://p: no data']);
    expect(combineVerdicts([{ source: 'load', verdict: verdict('error', ['no URL']) }, { source: 'prometheus', verdict: inconclusive }]).kind).toBe('error');
  });

  it('one source alone keeps its verdict, its figures prefixed', () => {
    expect(combinedDecision([{ source: 'load', verdict: fail }])).toEqual(verdict('fail', ['load: fast-burn: 9 of 50'], { 'load.canaryErrors': 9 }));
  });
});
