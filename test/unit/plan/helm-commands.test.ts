import { describe, expect, it } from 'vitest';
import { formatInvocation } from '../../../src/domain/helm-invocation.js';
import { baseDefaultRevision, controlPlaneInstall, dataPlaneInstall, defaultTagInstall, dropRevisionTags, setKey, uninstall } from '../../../src/plan/helm-commands.js';
import { config } from '../../support/scenario.js';

const REPO = ['--repo', 'https://blob.istio.io/istio-release/charts', '--version', '1.30.3'];
const COMMON = ['--namespace', 'istio-system', '--wait', '--timeout', '5m', '--labels', 'app.kubernetes.io/managed-by=ambient-canary'];
const ISTIOD_VALUES = ['--set-string', 'revision=1-30-3', '--set', 'profile=ambient', '--set-string', 'global.istioNamespace=istio-system', '--set-string', 'trustedZtunnelName=ztunnel-1-30-3', '--set-string', 'trustedZtunnelNamespace=istio-system'];

describe('istiod-<rev>: the canary control plane', () => {
  it('installs its own revision, ambient, trusting only the canary ztunnel, labelled as ours', () => {
    const inv = controlPlaneInstall(config(), {});
    expect(inv).toEqual({ bin: 'helm', release: 'istiod-1-30-3', namespace: 'istio-system', mutates: true, args: ['upgrade', '--install', 'istiod-1-30-3', 'istiod', ...REPO, ...COMMON, ...ISTIOD_VALUES] });
  });

  it('passes the values file of the target version when there is one', () => {
    const { args } = controlPlaneInstall(config(), { controlPlane: 'revisions/1.30.3/control-plane.yaml', dataPlane: 'revisions/1.30.3/data-plane.yaml' });
    expect(args).toEqual(['upgrade', '--install', 'istiod-1-30-3', 'istiod', ...REPO, ...COMMON, '--values', 'revisions/1.30.3/control-plane.yaml', ...ISTIOD_VALUES]);
  });

  it('lets --set values come after the values file, so they win over it', () => {
    const { args } = controlPlaneInstall(config(), { controlPlane: 'cp.yaml' });
    expect(args.indexOf('--values')).toBeLessThan(args.indexOf('revision=1-30-3'));
  });

  it('follows the helm binary, namespace, timeout, chart source and version of the config', () => {
    const c = config({ 'istio.helm': '/usr/local/bin/helm3', 'istio.namespace': 'mesh', 'istio.helmTimeout': '90s', 'istio.chartRepo': './charts', 'istio.chartVersion': '1.30.3-patched' });
    const inv = controlPlaneInstall(c, {});
    expect(inv.bin).toBe('/usr/local/bin/helm3');
    expect(inv.namespace).toBe('mesh');
    expect(inv.args.slice(0, 11)).toEqual(['upgrade', '--install', 'istiod-1-30-3', './charts/istiod', '--namespace', 'mesh', '--wait', '--timeout', '90s', '--labels', 'app.kubernetes.io/managed-by=ambient-canary']);
    expect(inv.args).toContain('trustedZtunnelNamespace=mesh');
    // The real chart puts istiod's ServiceAccount, Role and webhook Service there, not in the release namespace.
    expect(inv.args).toContain('global.istioNamespace=mesh');
    expect(inv.args).not.toContain('--version');
  });

  it('installs the chart version given with --chart-version', () => {
    expect(controlPlaneInstall(config({ 'istio.chartVersion': '1.30.2' }), {}).args).toEqual(expect.arrayContaining(['--version', '1.30.2']));
  });
});

describe('ztunnel-<rev>: the canary data plane', () => {
  it('installs a second DaemonSet under its own name, only on nodes labelled for the canary', () => {
    const inv = dataPlaneInstall(config(), {});
    expect(inv).toEqual({
      bin: 'helm',
      release: 'ztunnel-1-30-3',
      namespace: 'istio-system',
      mutates: true,
      args: ['upgrade', '--install', 'ztunnel-1-30-3', 'ztunnel', ...REPO, ...COMMON, '--set-string', 'revision=1-30-3', '--set-string', 'istioNamespace=istio-system', '--set-string', 'resourceName=ztunnel-1-30-3', '--set-string', 'nodeSelector.istio\\.io/rev=1-30-3'],
    });
  });

  it('names its istiod in the run\'s Istio namespace (the chart defaults to istio-system, whatever the release namespace)', () => {
    expect(dataPlaneInstall(config({ 'istio.namespace': 'mesh' }), {}).args).toEqual(expect.arrayContaining(['--set-string', 'istioNamespace=mesh']));
  });

  it('escapes every dot of a custom node label key', () => {
    expect(dataPlaneInstall(config({ 'nodes.label': 'example.com/mesh.rev' }), {}).args.at(-1)).toBe('nodeSelector.example\\.com/mesh\\.rev=1-30-3');
  });

  it('passes the data-plane values file, not the control-plane one', () => {
    const { args } = dataPlaneInstall(config(), { controlPlane: 'cp.yaml', dataPlane: 'dp.yaml' });
    expect(args).toEqual(expect.arrayContaining(['--values', 'dp.yaml']));
    expect(args).not.toContain('cp.yaml');
  });

  it('is quoted for a shell when printed, so the escaped key survives copy and paste', () => {
    expect(formatInvocation(dataPlaneInstall(config(), {}))).toContain(`--set-string 'nodeSelector.istio\\.io/rev=1-30-3'`);
  });
});

describe('other invocations', () => {
  it('uninstalls one release, waiting, in the Istio namespace', () => {
    expect(uninstall(config(), 'ztunnel-1-29-6')).toEqual({ bin: 'helm', release: 'ztunnel-1-29-6', namespace: 'istio-system', mutates: true, args: ['uninstall', 'ztunnel-1-29-6', '--namespace', 'istio-system', '--wait', '--timeout', '5m'] });
  });

  it('moves the default tag by upgrading the canary istiod with revisionTags={default}', () => {
    const base = controlPlaneInstall(config(), {});
    const tag = defaultTagInstall(config(), {});
    expect(tag.release).toBe('istiod-1-30-3');
    expect(tag.args).toEqual([...base.args, '--set', 'revisionTags={default}']);
  });
});

describe('promote\'s upgrades of installed releases: their chart version, their own values, one change', () => {
  it('istio-base: defaultRevision to the new revision, in the release\'s own namespace, neither --install nor --labels', () => {
    const inv = baseDefaultRevision(config(), { release: 'base', namespace: 'istio-config', version: '1.29.6' });
    expect(inv).toEqual({
      bin: 'helm',
      release: 'base',
      namespace: 'istio-config',
      mutates: true,
      args: ['upgrade', 'base', 'base', '--repo', 'https://blob.istio.io/istio-release/charts', '--version', '1.29.6', '--reuse-values', '--set-string', 'defaultRevision=1-30-3', '--namespace', 'istio-config', '--wait', '--timeout', '5m'],
    });
  });

  it('the stable istiod without its revision tags, at the version it runs, not the target\'s', () => {
    const inv = dropRevisionTags(config({ 'istio.chartVersion': '1.30.3-patched' }), '1.29.6');
    expect(inv.release).toBe('istiod-1-29-6');
    expect(inv.args).toEqual(['upgrade', 'istiod-1-29-6', 'istiod', '--repo', 'https://blob.istio.io/istio-release/charts', '--version', '1.29.6', '--reuse-values', '--set-json', 'revisionTags=[]', '--namespace', 'istio-system', '--wait', '--timeout', '5m']);
  });

  it.each([
    ['oci://ghcr.io/istio/release/charts', ['oci://ghcr.io/istio/release/charts/base', '--version', '1.29.6']],
    ['istio', ['istio/base', '--version', '1.29.6']],
  ])('from %s', (repo, chart) => {
    expect(baseDefaultRevision(config({ 'istio.chartRepo': repo }), { release: 'istio-base', namespace: 'istio-system', version: '1.29.6' }).args.slice(1, 5)).toEqual(['istio-base', ...chart]);
  });
});

describe('setKey', () => {
  it.each([
    [['nodeSelector', 'istio.io/rev'], 'nodeSelector.istio\\.io/rev'],
    [['nodeSelector', 'kubernetes.io/os'], 'nodeSelector.kubernetes\\.io/os'],
    [['a', 'b', 'c'], 'a.b.c'],
  ])('%j -> %s', (path, key) => {
    expect(setKey(path)).toBe(key);
  });
});
