import { describe, expect, it } from 'vitest';
import { flattenConfigFile, mergeValues } from '../../../src/config/file.js';

const flatten = (doc: unknown) => flattenConfigFile(doc, 'canary.yaml');

describe('flattenConfigFile', () => {
  it('turns nested settings into key paths, keeping lists and objects of compound keys whole', () => {
    const { values, problems } = flatten({
      from: '1.29.6',
      steps: { weights: [10, 100], bake: '30s' },
      route: { namespace: 'edge', name: 'shop' },
      smoke: { header: { name: 'x-test', value: '1' } },
      nodes: { names: ['n1', 'n2'] },
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({
      from: '1.29.6',
      'steps.weights': [10, 100],
      'steps.bake': '30s',
      route: { namespace: 'edge', name: 'shop' },
      'smoke.header': { name: 'x-test', value: '1' },
      'nodes.names': ['n1', 'n2'],
    });
  });

  it.each([null, undefined])('treats an empty file (%s) as no settings', (doc) => {
    expect(flatten(doc)).toEqual({ values: {}, problems: [] });
  });

  it.each([['a list', [1, 2]], ['a scalar', 'from: 1.29.6']])('refuses %s at the top level', (_what, doc) => {
    expect(flatten(doc).problems).toEqual([{ path: 'canary.yaml', message: 'expects a mapping of settings (key: value)' }]);
  });

  it.each([
    [{ frm: '1.29.6' }, 'canary.yaml: frm', 'from'],
    [{ stpes: { bake: '1s' } }, 'canary.yaml: stpes', 'steps'],
    [{ steps: { bak: '1s' } }, 'canary.yaml: steps.bak', 'steps.bake'],
    [{ steps: { wieghts: [10, 100] } }, 'canary.yaml: steps.wieghts', 'steps.weights'],
    [{ app: { nam: 'shop' } }, 'canary.yaml: app.nam', 'app.name'],
    [{ istio: { chartrepo: 'x' } }, 'canary.yaml: istio.chartrepo', 'istio.chartRepo'],
  ])('names the unknown key in %j and the nearest known one', (doc, path, hint) => {
    expect(flatten(doc).problems).toEqual([{ path, message: `unknown key; did you mean ${hint}?` }]);
  });

  it('says only "unknown key" when nothing is near', () => {
    expect(flatten({ colourScheme: 'dark' }).problems).toEqual([{ path: 'canary.yaml: colourScheme', message: 'unknown key' }]);
  });

  it('does not drop the known keys beside an unknown one', () => {
    expect(flatten({ from: '1.29.6', frm: 'x' }).values).toEqual({ from: '1.29.6' });
  });

  it('refuses a scalar where a section of settings belongs', () => {
    expect(flatten({ istio: 'istio-system' }).problems).toEqual([{ path: 'canary.yaml: istio', message: 'expects a mapping of settings' }]);
  });

  it('passes a mapping given to a scalar setting on, so its conversion says what to write', () => {
    expect(flatten({ from: { version: '1.29.6' } })).toEqual({ values: { from: { version: '1.29.6' } }, problems: [] });
  });

  it('reports every problem of the file at once', () => {
    expect(flatten({ frm: 1, steps: { bak: 1 }, istio: 3 }).problems.map((p) => p.path)).toEqual(['canary.yaml: frm', 'canary.yaml: steps.bak', 'canary.yaml: istio']);
  });

  it('names problems after the file it read', () => {
    expect(flattenConfigFile({ frm: 1 }, 'ci/prod.yaml').problems[0]?.path).toBe('ci/prod.yaml: frm');
  });
});

describe('mergeValues', () => {
  it('lets flags win over the file and keeps the file values no flag set', () => {
    expect(mergeValues({ from: '1.28.0', 'steps.bake': '5m' }, { from: '1.29.6', dryRun: true })).toEqual({ from: '1.29.6', 'steps.bake': '5m', dryRun: true });
  });
});
