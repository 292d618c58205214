import { describe, expect, it } from 'vitest';
import { parseRevision } from '../../../src/domain/revision.js';
import { helmRecentEnough, helmVersion, kubernetesMinor, kubernetesSupport, minorDistance, SUPPORTED_KUBERNETES } from '../../../src/mesh/versions.js';

const v = (text: string) => parseRevision(text)!.version;

describe('the supported-Kubernetes table (istio.io supported releases)', () => {
  it('has a row for every minor from 1.23 to the newest the product targets, each a range of four or five minors', () => {
    for (let minor = 23; minor <= 30; minor++) {
      const [min, max] = SUPPORTED_KUBERNETES[`1.${minor}`] ?? [0, 0];
      expect(max - min, `1.${minor}`).toBeGreaterThanOrEqual(3);
    }
  });

  it.each([
    ['1.30.3', 'v1.32.0', 'supported'],
    ['1.30.3', 'v1.36.3', 'supported'],
    ['1.30.3', 'v1.31.9', 'too-old'],
    ['1.30.3', 'v1.37.2', 'newer-than-tested'],
    ['1.29.6', 'v1.35.1-gke.1000', 'supported'],
    ['1.29.6', 'v1.30.4+k3s1', 'too-old'],
    ['1.45.0', 'v1.40.0', 'unknown-target'],
    ['1.30.3', 'v2.0.0', 'unknown-server'],
    ['1.30.3', 'not-a-version', 'unknown-server'],
  ])('Istio %s on Kubernetes %s: %s', (istio, k8s, kind) => {
    expect(kubernetesSupport(v(istio), k8s).kind).toBe(kind);
  });

  it('reads vendor-suffixed server versions', () => {
    expect(kubernetesMinor('v1.30.4-eks-a737599')).toEqual({ major: 1, minor: 30 });
  });
});

describe('helm versions', () => {
  it.each([
    ['v3.22.0+g0123456', [3, 22], true],
    ['v3.13.0+gabc', [3, 13], true],
    ['v3.12.3+g3a31588', [3, 12], false],
    ['v4.0.1', [4, 0], true],
    ['v2.17.0+ga690bad', [2, 17], false],
  ] as const)('%s is %j, recent enough: %s', (text, parsed, ok) => {
    expect(helmVersion(text)).toEqual(parsed);
    expect(helmRecentEnough(parsed)).toBe(ok);
  });

  it('says nothing for text that is not a version', () => {
    expect(helmVersion('command not found')).toBeUndefined();
  });
});

describe('minorDistance', () => {
  it.each([
    ['1.29.6', '1.30.3', 1],
    ['1.29.6', '1.31.0', 2],
    ['1.29.6', '1.29.9', 0],
    ['1.30.3', '1.29.6', -1],
  ])('%s -> %s is %i', (from, to, n) => {
    expect(minorDistance(v(from), v(to))).toBe(n);
  });
});
