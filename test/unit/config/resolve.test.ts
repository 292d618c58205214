import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { mergeValues } from '../../../src/config/file.js';
import type { RunConfig } from '../../../src/config/types.js';
import { InputError, type Problem } from '../../../src/domain/errors.js';

/** Values as the CLI passes them: from the file, overridden by flags (named by key path). */
function resolve(file: Record<string, unknown>, flags: Record<string, string | boolean> = {}, requireVersions = true): RunConfig {
  return resolveConfig({ values: mergeValues(file, flags), fromFlags: new Set(Object.keys(flags)), fileName: 'canary.yaml', requireVersions, env: {} });
}

function problems(file: Record<string, unknown>, flags: Record<string, string | boolean> = {}): Problem[] {
  try {
    resolve(file, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return [...(error as InputError).problems];
  }
  throw new Error('expected an InputError');
}

const VERSIONS = { from: '1.29.6', to: '1.30.3' };
/** Every message says what to write or do instead. */
const ADVICE = /\b(write|give|swap|add|keep|use|for example)\b/;

describe('resolveConfig: bad input names the field and what to write instead', () => {
  it.each([
    ['a version that is not semver, from a flag', {}, { from: 'latest', to: '1.30.3' }, '--from', /"latest" is not a version/],
    ['a version that is not semver, from the file', { from: '1.29', to: '1.30.3' }, {}, 'canary.yaml: from', /"1.29" is not a version/],
    ['from == to', {}, { from: '1.30.3', to: '1.30.3' }, '--to', /already running \(1\.30\.3\)/],
    ['from == to written two ways', {}, { from: 'v1.30.3', to: '1-30-3' }, '--to', /already running/],
    ['a downgrade without --allow-downgrade', {}, { from: '1.30.3', to: '1.29.6' }, '--to', /1\.29\.6 is older than --from 1\.30\.3.*--allow-downgrade/],
    ['a downgrade written in the file', { from: '1.30.3', to: '1.30.0-rc.1' }, {}, 'canary.yaml: to', /older than --from/],
    ['weights not strictly increasing, from a flag', VERSIONS, { 'steps.weights': '50,10,100' }, '--weights', /strictly increasing/],
    ['weights not strictly increasing, from the file', { ...VERSIONS, 'steps.weights': [10, 10, 100] }, {}, 'canary.yaml: steps.weights', /strictly increasing/],
    ['weights not ending at 100', VERSIONS, { 'steps.weights': '10,50' }, '--weights', /must end at 100/],
    ['a bake time of 0', VERSIONS, { 'steps.bake': '0s' }, '--bake', /longer than 0/],
    ['a bake time of 0 in the file', { ...VERSIONS, 'steps.bake': '0ms' }, {}, 'canary.yaml: steps.bake', /longer than 0/],
    ['a bare number as bake time', { ...VERSIONS, 'steps.bake': 60 }, {}, 'canary.yaml: steps.bake', /needs a unit/],
    ['--until that is not a step', VERSIONS, { 'steps.until': '30' }, '--until', /30 is not one of the weights 10,50,100/],
    ['a route in the stable namespace', VERSIONS, { route: 'bookinfo-1-29-6/bookinfo' }, '--route', /promote removes: keep the route/],
    ['the same stable and canary namespace', VERSIONS, { 'app.stableNamespace': 'shop', 'app.canaryNamespace': 'shop' }, '--canary-namespace', /must differ/],
    ['an invalid namespace name', VERSIONS, { 'app.canaryNamespace': 'Shop_New' }, '--canary-namespace', /not a valid namespace name/],
    ['an app name too long for <app>-<revision>', VERSIONS, { 'app.name': 'a'.repeat(60) }, '--app', /does not make valid namespace names/],
    ['a gateway URL without a scheme', VERSIONS, { gatewayUrl: 'localhost:8080' }, '--gateway-url', /http:\/\/ or https:\/\//],
    ['a gateway URL that does not parse (port past 65535)', VERSIONS, { gatewayUrl: 'http://127.0.0.1:808080' }, '--gateway-url', /http:\/\/ or https:\/\//],
    ['a gateway URL with credentials, without echoing them', VERSIONS, { gatewayUrl: 'http://user:s3cret@127.0.0.1:8080' }, '--gateway-url', /^carries credentials \(user:password@\)(?!.*s3cret)/],
    ['a chart repo URL with a token, without echoing it', VERSIONS, { 'istio.chartRepo': 'https://ci:t0ken@charts.example.com/istio' }, '--chart-repo', /^carries credentials \(user:token@\).*helm repo add(?!.*t0ken)/],
    ['an oci chart reference with credentials', VERSIONS, { 'istio.chartRepo': 'oci://ci:t0ken@registry.example.com/istio' }, '--chart-repo', /helm registry login(?!.*t0ken)/],
    ['a node count that contradicts the named nodes', VERSIONS, { 'nodes.count': '2', 'nodes.names': 'n1' }, '--node-count', /says 2 but --canary-nodes names 1/],
  ])('%s', (_what, file, flags, path, message) => {
    const found = problems(file, flags);
    expect(found).toContainEqual({ path, message: expect.stringMatching(message) });
    for (const p of found) expect(p.message).toMatch(ADVICE);
  });

  it('asks for both versions when neither is given, with an example each', () => {
    expect(problems({})).toEqual([
      { path: '--from', message: expect.stringContaining('--from 1.29.6') },
      { path: '--to', message: expect.stringContaining('--to 1.30.3') },
    ]);
  });

  it('does not also call an invalid version missing', () => {
    expect(problems({}, { from: 'latest', to: '1.30.3' })).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    const found = problems({ from: '1.29', 'steps.bake': '0s' }, { to: 'latest', 'steps.weights': '10,5', output: 'xml', 'nodes.count': '0' });
    expect(found.map((p) => p.path).sort()).toEqual(['--node-count', '--output', '--to', '--weights', 'canary.yaml: from', 'canary.yaml: steps.bake']);
  });

  it('names a value by its flag when the flag overrode the file', () => {
    expect(problems({ ...VERSIONS, 'steps.bake': '30s' }, { 'steps.bake': '0s' })).toEqual([{ path: '--bake', message: expect.stringMatching(/longer than 0/) }]);
  });
});

describe('resolveConfig: what a good input gives', () => {
  it('accepts a downgrade with --allow-downgrade', () => {
    const config = resolve({}, { from: '1.30.3', to: '1.29.6', allowDowngrade: true });
    expect([config.from.name, config.to.name, config.allowDowngrade]).toEqual(['1-30-3', '1-29-6', true]);
  });

  it('derives every default from the versions and the app', () => {
    const config = resolve(VERSIONS);
    expect(config.app).toEqual({ name: 'bookinfo', stableNamespace: 'bookinfo-1-29-6', canaryNamespace: 'bookinfo-1-30-3' });
    expect(config.istio).toMatchObject({ namespace: 'istio-system', chartVersion: '1.30.3', stableIstiodRelease: 'istiod-1-29-6', stableZtunnelRelease: 'ztunnel-1-29-6', defaultTag: true, helmTimeoutMs: 300_000 });
    expect(config.route).toEqual({ namespace: 'istio-ingress', name: 'bookinfo' });
    expect(config.steps).toEqual({ weights: [10, 50, 100], bakeMs: 60_000, until: undefined });
    expect(config.smoke.header).toEqual({ name: 'traffic', value: 'test' });
    expect(config.nodes).toEqual({ label: 'istio.io/rev', count: 1, names: [] });
    expect(config.output).toBe('table');
  });

  it('follows a different app and versions in the derived names', () => {
    const config = resolve({ 'app.name': 'shop' }, { from: 'v1.28.2', to: '1.30.0-beta.1' });
    expect(config.app).toEqual({ name: 'shop', stableNamespace: 'shop-1-28-2', canaryNamespace: 'shop-1-30-0-beta-1' });
    expect(config.route).toEqual({ namespace: 'istio-ingress', name: 'shop' });
    expect(config.istio.chartVersion).toBe('1.30.0-beta.1');
    expect(config.istio.stableIstiodRelease).toBe('istiod-1-28-2');
  });

  it('keeps explicit values over derived ones', () => {
    const config = resolve({ ...VERSIONS, 'istio.chartVersion': '1.30.2', 'istio.stableIstiodRelease': 'istiod', 'app.stableNamespace': 'shop' });
    expect([config.istio.chartVersion, config.istio.stableIstiodRelease, config.app.stableNamespace]).toEqual(['1.30.2', 'istiod', 'shop']);
  });

  it('lets flags win over the file', () => {
    const config = resolve({ ...VERSIONS, 'steps.bake': '5m', output: 'yaml', 'app.name': 'shop' }, { 'steps.bake': '30s', output: 'json' });
    expect([config.steps.bakeMs, config.output, config.app.name]).toEqual([30_000, 'json', 'shop']);
  });

  it('takes the kubeconfig the CLI read from the environment unless one is given', () => {
    const fromEnv = resolveConfig({ values: VERSIONS, fromFlags: new Set(), fileName: 'canary.yaml', requireVersions: true, env: { kubeconfig: '/env/kc' } });
    const given = resolveConfig({ values: { ...VERSIONS, kubeconfig: '/flag/kc' }, fromFlags: new Set(['kubeconfig']), fileName: 'canary.yaml', requireVersions: true, env: { kubeconfig: '/env/kc' } });
    expect([fromEnv.kube.kubeconfig, given.kube.kubeconfig]).toEqual(['/env/kc', '/flag/kc']);
  });

  it('needs no versions for commands that find them in the run record', () => {
    expect(() => resolve({}, {}, false)).not.toThrow();
  });
});

describe('resolveConfig: preflight.probe, the stable measured before anything changes', () => {
  it.each([
    ['the default', {}, {}, 5000],
    ['a flag', {}, { 'preflight.probe': '1s' }, 1000],
    ['the file', { 'preflight.probe': '2m' }, {}, 120_000],
    ['0 as a flag turns it off', {}, { 'preflight.probe': '0' }, 0],
    ['0s turns it off', {}, { 'preflight.probe': '0s' }, 0],
    ['a YAML 0 turns it off', { 'preflight.probe': 0 }, {}, 0],
  ])('%s', (_what, file, flags, probeMs) => {
    expect(resolve({ ...VERSIONS, ...file }, flags).preflight.probeMs).toBe(probeMs);
  });

  it.each([
    ['shorter than a window of paced load', { 'preflight.probe': '500ms' }, '--stable-probe', /at least 1000ms \(or 0 to turn it off\), got 500ms/],
    ['a bare number other than 0', { 'preflight.probe': '5' }, '--stable-probe', /expects a duration/],
  ])('refuses a probe %s', (_what, flags, path, message) => {
    expect(problems(VERSIONS, flags)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('refuses a bare number in the file, asking for its unit', () => {
    expect(problems({ ...VERSIONS, 'preflight.probe': 5 })).toEqual([{ path: 'canary.yaml: preflight.probe', message: 'needs a unit: write 5s or 5m' }]);
  });
});
