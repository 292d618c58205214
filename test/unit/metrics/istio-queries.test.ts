import { describe, expect, it } from 'vitest';
import { templateProblems } from '../../../src/config/metrics.js';
import { DEFAULT_QUERIES, promDuration, queriesOf, renderQuery, valueProblem } from '../../../src/metrics/istio-queries.js';

const VARS = { namespace: 'bookinfo-1-30-3', revision: '1-30-3', intervalMs: 12_345.2 };

describe('Istio queries: rendering', () => {
  it('fills {{namespace}}, {{revision}} and {{interval}}, spaces inside the braces allowed', () => {
    expect(renderQuery('x{ns="{{namespace}}",rev="{{ revision }}"}[{{interval}}]', VARS)).toBe('x{ns="bookinfo-1-30-3",rev="1-30-3"}[12346ms]');
  });

  it('writes the interval as whole milliseconds, rounded up, never 0', () => {
    expect(promDuration(1000)).toBe('1000ms');
    expect(promDuration(999.1)).toBe('1000ms');
    expect(promDuration(0)).toBe('1ms');
  });

  it('renders the defaults as PromQL on Istio\'s standard metrics, labelled by the revision\'s namespace as the gateway reports it', () => {
    const q = Object.fromEntries(Object.entries(DEFAULT_QUERIES).map(([k, t]) => [k, renderQuery(t, VARS)]));
    const selector = 'reporter="source",destination_workload_namespace="bookinfo-1-30-3"';
    expect(q['requests']).toBe(`sum(increase(istio_requests_total{${selector}}[12346ms]))`);
    expect(q['successRate']).toBe(`(sum(increase(istio_requests_total{${selector},response_code!~"5.."}[12346ms])) or on() vector(0)) / sum(increase(istio_requests_total{${selector}}[12346ms]))`);
    expect(q['p99']).toBe(`histogram_quantile(0.99, sum by (le) (increase(istio_request_duration_milliseconds_bucket{${selector}}[12346ms])))`);
    for (const text of Object.values(q)) expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it('keeps the defaults where the user gave no query', () => {
    const mine = 'sum(rate(my_requests_total{ns="{{namespace}}"}[{{interval}}]))';
    expect(queriesOf({ url: 'http://p', timeoutMs: 1, queries: { requests: mine } })).toEqual({ ...DEFAULT_QUERIES, requests: mine });
  });

  it('leaves an unknown placeholder as written (config refuses it before a run)', () => {
    expect(renderQuery('{{pod}} {{namespace}}', VARS)).toBe('{{pod}} bookinfo-1-30-3');
  });
});

describe('Istio queries: what a user may write', () => {
  it('accepts every default', () => {
    for (const t of Object.values(DEFAULT_QUERIES)) expect(templateProblems(t)).toEqual([]);
  });

  it('names unknown placeholders, unclosed braces, and a query blind to the revision', () => {
    expect(templateProblems('up{ns="{{ namespace }}",x="{{target}}",y="{{target}}"}')).toEqual(['unknown placeholder {{target}}: use {{namespace}}, {{revision}}, {{interval}}']);
    expect(templateProblems('up{ns="{{namespace}"}')).toEqual(['has a "{{" that does not close: write placeholders as {{namespace}}', 'never uses {{namespace}}: it would read the same numbers for the canary and the stable revision']);
    expect(templateProblems('sum(up)')).toEqual(['never uses {{namespace}}: it would read the same numbers for the canary and the stable revision']);
  });
});

describe('Istio queries: numbers the judge can use', () => {
  it.each([
    ['successRate', 0.97, undefined],
    ['successRate', 1, undefined],
    ['successRate', 99.5, 'returned 99.5, not a fraction between 0 and 1 (a percentage? drop the "* 100")'],
    ['successRate', -0.1, 'returned -0.1, not a fraction between 0 and 1'],
    ['requests', 12.5, undefined],
    ['requests', -3, 'returned -3, a negative count'],
    ['p99', Number.POSITIVE_INFINITY, undefined],
    ['p99', -1, 'returned -1, a negative latency'],
    ['requests', Number.POSITIVE_INFINITY, 'returned Infinity'],
  ] as const)('%s = %s: %s', (name, value, problem) => {
    expect(valueProblem(name, value)).toBe(problem);
  });
});
