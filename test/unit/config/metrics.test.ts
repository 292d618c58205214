import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../../src/config/argv.js';
import { flattenConfigFile } from '../../../src/config/file.js';
import { KEYS, keyByPath } from '../../../src/config/keys.js';

import { problems, resolve } from './resolve-support.js';

const METRICS_PATHS = ['metrics.sources', 'metrics.prometheus.url', 'metrics.prometheus.timeout', 'metrics.prometheus.queries.requests', 'metrics.prometheus.queries.successRate', 'metrics.prometheus.queries.p99'];

describe('the metrics sources settings (metrics.*)', () => {
  it('has a flag for every key', () => {
    expect(KEYS.filter((k) => k.path.startsWith('metrics.')).map((k) => k.path)).toEqual(METRICS_PATHS);
    for (const path of METRICS_PATHS) expect(keyByPath(path)?.flag, path).toBeTruthy();
  });

  it('defaults to the load source alone, a 5 s query timeout and Istio\'s queries', () => {
    expect(resolve({}).metrics).toEqual({ sources: ['load'], prometheus: { url: undefined, timeoutMs: 5000, queries: {} } });
  });

  it('reads canary.yaml: a YAML list of sources, the URL and a query', () => {
    const doc = { metrics: { sources: ['load', 'prometheus'], prometheus: { url: 'http://prometheus.istio-system:9090', timeout: '2s', queries: { p99: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{ns="{{namespace}}"}[{{interval}}])))' } } } };
    const { values, problems: fileProblems } = flattenConfigFile(doc, 'canary.yaml');
    expect(fileProblems).toEqual([]);
    const m = resolve(values).metrics;
    expect(m.sources).toEqual(['load', 'prometheus']);
    expect(m.prometheus).toEqual({ url: 'http://prometheus.istio-system:9090', timeoutMs: 2000, queries: { p99: doc.metrics.prometheus.queries.p99 } });
  });

  it('reads flags: --metrics-sources prometheus --prometheus-url …', () => {
    const argv = parseArgv(['--metrics-sources', 'prometheus', '--prometheus-url', 'http://127.0.0.1:19090', '--prometheus-query-success-rate', 'sum(x{n="{{namespace}}"})'], KEYS);
    expect(argv.problems).toEqual([]);
    const m = resolve(argv.values, Object.keys(argv.values)).metrics;
    expect(m.sources).toEqual(['prometheus']);
    expect(m.prometheus.url).toBe('http://127.0.0.1:19090');
    expect(m.prometheus.queries).toEqual({ successRate: 'sum(x{n="{{namespace}}"})' });
  });

  it('says what to write for every mistake, all at once', () => {
    expect(problems({ 'metrics.sources': 'prometheus' })).toEqual(['--prometheus-url: is required by the prometheus source: give the server, for example --prometheus-url http://prometheus.istio-system:9090']);
    expect(problems({ 'metrics.sources': ['load', 'grafana'] })).toEqual(['canary.yaml: metrics.sources: unknown source "grafana": name load, prometheus, or both (load,prometheus)']);
    expect(problems({ 'metrics.sources': 'load,load' }, ['metrics.sources'])).toEqual(['--metrics-sources: names a source twice (load,load): name each once']);
    expect(problems({ 'metrics.prometheus.url': 'prometheus:9090' })).toEqual(['canary.yaml: metrics.prometheus.url: expects an http:// or https:// URL, got "prometheus:9090": write for example http://127.0.0.1:9090']);
    expect(problems({ 'metrics.prometheus.url': 'http://127.0.0.1:909090' })).toEqual(['canary.yaml: metrics.prometheus.url: expects an http:// or https:// URL, got "http://127.0.0.1:909090": write for example http://127.0.0.1:9090']);
    expect(problems({ 'metrics.prometheus.queries.requests': 'sum(up{pod="{{pod}}"})', 'metrics.prometheus.timeout': '10ms' })).toEqual([
      'canary.yaml: metrics.prometheus.timeout: must be at least 100ms, got 10ms',
      'canary.yaml: metrics.prometheus.queries.requests: unknown placeholder {{pod}}: use {{namespace}}, {{revision}}, {{interval}}',
      'canary.yaml: metrics.prometheus.queries.requests: never uses {{namespace}}: it would read the same numbers for the canary and the stable revision',
    ]);
  });
});
