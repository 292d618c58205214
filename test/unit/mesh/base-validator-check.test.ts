import { describe, expect, it } from 'vitest';
import type { ClusterFacts } from '../../../src/mesh/cluster-facts.js';
import { check, facts, run, validator } from '../../support/preflight-builders.js';

const line = (change: (f: ClusterFacts) => ClusterFacts = (f) => f, values: Record<string, unknown> = {}, resumedAfter?: 'steps') =>
  check(run(facts(change), values, resumedAfter).results, 'base-default-revision');

/** Preflight and doctor say, before anything changes, whether promote will move istio-base's defaultRevision. */
describe('preflight: base-default-revision', () => {
  it('says promote will move it, how, and why, when the validator validates through the stable revision', () => {
    expect(line()).toEqual({
      id: 'base-default-revision',
      group: 'ownership',
      status: 'pass',
      message:
        "promote will move istio-base's defaultRevision 1-29-6 -> 1-30-3 (helm upgrade istio-base -n istio-system at its installed chart version, --reuse-values) before removing istiod-1-29-6: Istio's last upgrade step; left on 1-29-6, istiod-default-validator would refuse every Istio config write",
    });
  });

  it.each<[string, (f: ClusterFacts) => ClusterFacts, Record<string, unknown>, 'pass' | 'warn', RegExp, RegExp | undefined]>([
    ['no validator', (f) => ({ ...f, defaultValidator: undefined }), {}, 'pass', /^no istiod-default-validator in the cluster: promote leaves istio-base as it is$/, undefined],
    ['another revision', (f) => ({ ...f, defaultValidator: validator('1-28-0') }), {}, 'pass', /validates Istio config through Service istio-system\/istiod-1-28-0, not istiod-1-29-6 in istio-system: promote leaves istio-base as it is/, undefined],
    ['moved already', (f) => ({ ...f, defaultValidator: validator('1-30-3') }), {}, 'pass', /validates through 1-30-3 already/, undefined],
    [
      'a stable istiod not ours',
      (f) => ({ ...f, releases: f.releases.map((r) => (r.name === 'istiod-1-29-6' ? { ...r, owned: false } : r)) }),
      {},
      'warn',
      /validates through 1-29-6, whose istiod istiod-1-29-6 ambient-canary did not install: promote leaves both/,
      /^before you remove istiod-1-29-6, run: helm upgrade istio-base base .*--reuse-values --set-string defaultRevision=1-30-3/,
    ],
    [
      'no Helm release owns the validator',
      (f) => ({ ...f, defaultValidator: { ...validator('1-29-6'), release: undefined } }),
      {},
      'warn',
      /^promote will stop before removing istiod-1-29-6: .*no Helm release owns it/,
      /^run `kubectl patch validatingwebhookconfiguration istiod-default-validator --type json -p .*`.*then `canary promote`$/,
    ],
    ['a chart folder', (f) => f, { 'istio.chartRepo': './charts' }, 'warn', /promote will stop before removing istiod-1-29-6: .*chart folder/, /helm upgrade istio-base istio\/base --version '<installed version>'/],
  ])('%s', (_name, change, values, status, message, fix) => {
    const r = line(change, values);
    expect(r.status).toBe(status);
    expect(r.message).toMatch(message);
    if (fix) expect(r.fix).toMatch(fix);
  });

  it('is said again when a resumed run goes on to promote', () => {
    expect(line((f) => ({ ...f, defaultValidator: validator('1-30-3') }), {}, 'steps').message).toMatch(/already/);
  });
});
