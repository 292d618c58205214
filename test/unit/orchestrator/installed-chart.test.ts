import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import type { HelmInvocation } from '../../../src/domain/helm-invocation.js';
import { installedRelease, parseReleaseListing, releaseListing } from '../../../src/orchestrator/installed-chart.js';
import { config } from '../../support/scenario.js';

const CMD = 'helm list';

/** `helm list -o json` as helm v3.22 prints it (cmd/helm/list.go, releaseElement). */
const listed = (chart: string, status = 'deployed', name = 'istio-base') =>
  JSON.stringify([{ name, namespace: 'istio-system', revision: '3', updated: '2026-12-01 10:00:00.1 +0000 UTC', status, chart, app_version: '1.0.0' }]);

describe('parseReleaseListing: the chart version a release runs, from `helm list -o json`', () => {
  it.each([
    ['a pre-release version', listed('base-1.30.4-dev'), { chart: 'base', version: '1.30.4-dev' }],
    ['a release version', listed('istiod-1.30.3', 'deployed', 'istio-base'), { chart: 'istiod', version: '1.30.3' }],
    ['a chart name with dashes', listed('istio-discovery-1.31.0'), { chart: 'istio-discovery', version: '1.31.0' }],
    ['build metadata', listed('base-1.31.0+build.7'), { chart: 'base', version: '1.31.0+build.7' }],
  ])('%s', (_name, stdout, expected) => {
    expect(parseReleaseListing(stdout, 'istio-base', CMD)).toEqual({ name: 'istio-base', namespace: 'istio-system', status: 'deployed', revision: 3, ...expected });
  });

  it('keeps the state: a release left pending by a stopped helm', () => {
    expect(parseReleaseListing(listed('base-1.30.4-dev', 'pending-upgrade'), 'istio-base', CMD)?.status).toBe('pending-upgrade');
  });

  it('a release helm does not list (an empty list, or other releases only) is undefined', () => {
    expect(parseReleaseListing('[]', 'istio-base', CMD)).toBeUndefined();
    expect(parseReleaseListing('', 'istio-base', CMD)).toBeUndefined();
    expect(parseReleaseListing(listed('base-1.30.4-dev', 'deployed', 'istio-base-old'), 'istio-base', CMD)).toBeUndefined();
  });

  it.each([
    ['not JSON', 'Error: Kubernetes cluster unreachable', /printed something that is not JSON: Error: Kubernetes cluster unreachable/],
    ['not a list', '{"name":"istio-base"}', /printed JSON that is not a list of releases/],
    ['a chart without a version', listed('base'), /lists its chart as "base", not <name>-<version>/],
  ])('%s: an InfraError naming the command', (_name, stdout, message) => {
    const error = (() => {
      try {
        return parseReleaseListing(stdout, 'istio-base', CMD);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).message).toMatch(message);
    expect((error as InfraError).fix).toContain(CMD);
  });
});

describe('releaseListing and installedRelease: asked of helm through its port', () => {
  it('lists exactly that release, in any state, as JSON; a read (it runs in a dry run too)', () => {
    const inv = releaseListing(config(), 'istiod-1.29.6', 'istio-system');
    expect(inv).toEqual({ bin: 'helm', args: ['list', '--namespace', 'istio-system', '--all', '--filter', '^istiod-1\\.29\\.6$', '--output', 'json'], release: 'istiod-1.29.6', namespace: 'istio-system', mutates: false });
  });

  it('runs the listing and parses what helm printed', async () => {
    const ran: HelmInvocation[] = [];
    const helm = { run: async (inv: HelmInvocation) => (ran.push(inv), { stdout: listed('base-1.30.4-dev'), stderr: '', durationMs: 1 }), version: async () => 'v3.22.0' };
    const found = await installedRelease(helm, config(), 'istio-base', 'istio-system', new AbortController().signal);
    expect(found).toMatchObject({ chart: 'base', version: '1.30.4-dev', status: 'deployed' });
    expect(ran.map((i) => i.args.slice(0, 3))).toEqual([['list', '--namespace', 'istio-system']]);
  });
});
