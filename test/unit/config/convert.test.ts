import { describe, expect, it } from 'vitest';
import { convert } from '../../../src/config/convert.js';
import { keyByPath, type KeySpec } from '../../../src/config/keys.js';

function spec(path: string): KeySpec {
  const found = keyByPath(path);
  if (!found) throw new Error(`test setup: no key ${path}`);
  return found;
}

const accepted = (path: string, raw: unknown) => {
  const result = convert(spec(path), raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted for ${path}, got: ${result.message}`);
  return result.value;
};

const refused = (path: string, raw: unknown): string => {
  const result = convert(spec(path), raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused for ${path}, got ${JSON.stringify(result.value)}`);
  return result.message;
};

describe('convert: what each kind of setting accepts', () => {
  it.each([
    ['steps.weights', '10,50,100', [10, 50, 100]],
    ['steps.weights', ' 25 , 100 ', [25, 100]],
    ['steps.weights', [10, 100], [10, 100]],
    ['steps.weights', '100', [100]],
    ['steps.bake', '30s', 30_000],
    ['steps.bake', '1h30m', 5_400_000],
    ['steps.bake', '500ms', 500],
    ['istio.helmTimeout', '1s', 1000],
    ['nodes.count', '3', 3],
    ['nodes.count', 3, 3],
    ['smoke.requests', '100000', 100_000],
    ['dryRun', true, true],
    ['output', 'yaml', 'yaml'],
    ['route', 'edge/shop', { namespace: 'edge', name: 'shop' }],
    ['route', { namespace: 'edge', name: 'shop.v2' }, { namespace: 'edge', name: 'shop.v2' }],
    ['smoke.header', 'X-Canary=yes', { name: 'x-canary', value: 'yes' }],
    ['smoke.header', { name: 'traffic', value: 'test' }, { name: 'traffic', value: 'test' }],
    ['nodes.names', 'n1, n2', ['n1', 'n2']],
    ['nodes.names', ['n1'], ['n1']],
    ['app.name', '  shop ', 'shop'],
  ])('%s accepts %j as %j', (path, raw, value) => {
    expect(accepted(path, raw)).toEqual(value);
  });

  it.each(['1.30.3', 'v1.30.3', '1-30-3'])('a version setting accepts %s as revision 1-30-3', (raw) => {
    expect(accepted('to', raw)).toMatchObject({ name: '1-30-3' });
  });
});

describe('convert: what it refuses, and what it says to write instead', () => {
  it.each([
    ['to', 'latest', /"latest" is not a version or revision name: write 1\.30\.3 \(or 1-30-3\)/],
    ['to', 1.3, /1\.3 is not a version or revision name: write 1\.30\.3/],
    ['to', '1.30', /write 1\.30\.3/],
    ['steps.weights', '10,5,100', /must be strictly increasing, but 5 follows 10: write for example 10,50,100/],
    ['steps.weights', '10,10,100', /strictly increasing, but 10 follows 10/],
    ['steps.weights', '10,50', /must end at 100.*write for example 10,50,100/],
    ['steps.weights', [20, 40], /must end at 100.*write for example 20,40,100/],
    ['steps.weights', '0,100', /whole percent from 1 to 100, got 0/],
    ['steps.weights', '10,150', /whole percent from 1 to 100, got 150/],
    ['steps.weights', '10,abc,100', /whole percent.*got "abc"/],
    ['steps.weights', [], /expects weights in percent such as 10,50,100/],
    ['steps.bake', '0s', /must be longer than 0 \(write for example 30s\)/],
    ['steps.bake', 60, /needs a unit: write 60s or 60m/],
    ['steps.bake', '60', /expects a duration such as 30s, 5m or 1h30m, got "60"/],
    ['istio.helmTimeout', '500ms', /must be at least 1000ms, got 500ms/],
    ['nodes.count', '0', /must be at least 1, got 0/],
    ['nodes.count', '1001', /must be at most 1000, got 1001/],
    ['nodes.count', '2.5', /expects a whole number, got "2.5"/],
    ['dryRun', 'yes', /expects true or false, got "yes"/],
    ['output', 'xml', /expects table, json or yaml, got "xml"/],
    ['route', 'bookinfo', /expects namespace\/name \(for example istio-ingress\/bookinfo\), got "bookinfo"/],
    ['route', 'Istio/Route', /expects namespace\/name/],
    ['route', 'a/b/c', /expects namespace\/name/],
    ['smoke.header', 'traffic', /expects name=value \(for example traffic=test\)/],
    ['smoke.header', 'traffic=', /expects name=value/],
    ['smoke.header', 'bad name=x', /expects name=value/],
    ['nodes.names', 'n1,,n2', /expects names, got ""/],
    ['nodes.names', 5, /expects a comma-separated list or a YAML list/],
    ['app.name', '   ', /expects a non-empty text/],
  ])('%s refuses %j', (path, raw, message) => {
    expect(refused(path, raw)).toMatch(message);
  });
});
