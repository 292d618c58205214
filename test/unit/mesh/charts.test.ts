import { describe, expect, it } from 'vitest';
import { parseRevision } from '../../../src/domain/revision.js';
import { istiodRelease, missingValues, ztunnelRelease } from '../../../src/mesh/charts.js';

const v = (text: string) => parseRevision(text)!.version;

describe('missingValues: can the target run a second, node-pinned ztunnel?', () => {
  it.each([
    ['1.19.0', ['ztunnel.revision (1.20+)', 'ztunnel.nodeSelector (1.23+)', 'ztunnel.resourceName (1.25+)', 'istiod.trustedZtunnelName (1.26+)']],
    ['1.22.3', ['ztunnel.nodeSelector (1.23+)', 'ztunnel.resourceName (1.25+)', 'istiod.trustedZtunnelName (1.26+)']],
    ['1.24.9', ['ztunnel.resourceName (1.25+)', 'istiod.trustedZtunnelName (1.26+)']],
    ['1.25.2', ['istiod.trustedZtunnelName (1.26+)']],
  ])('%s lacks %j', (target, missing) => {
    expect(missingValues(v(target))).toEqual(missing);
  });

  it.each(['1.26.0', '1.26.0-beta.1', '1.27.1', '1.29.6', '1.30.3', '2.0.0'])('%s has every value the plan sets', (target) => {
    expect(missingValues(v(target))).toEqual([]);
  });
});

describe('release names', () => {
  it('names releases after the revision', () => {
    expect([istiodRelease('1-30-3'), ztunnelRelease('1-30-3')]).toEqual(['istiod-1-30-3', 'ztunnel-1-30-3']);
  });
});
