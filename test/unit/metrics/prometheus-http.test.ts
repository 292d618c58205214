import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryResponse, PrometheusHttp } from '../../../src/metrics/prometheus-http.js';

const ok = (data: unknown) => JSON.stringify({ status: 'success', data });
const vector = (...values: string[]) => ok({ resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1795443127.49, v] })) });

describe('Prometheus answers as one number', () => {
  it.each([
    ['an instant vector of one series', 200, vector('0.9975'), { kind: 'value', value: 0.9975 }],
    ['a scalar', 200, ok({ resultType: 'scalar', result: [1795443127.49, '42'] }), { kind: 'value', value: 42 }],
    ['+Inf (a quantile past the last bucket)', 200, vector('+Inf'), { kind: 'value', value: Number.POSITIVE_INFINITY }],
    ['no series', 200, vector(), { kind: 'empty', why: 'no series matched' }],
    ['NaN (0/0, a quantile of nothing)', 200, vector('NaN'), { kind: 'empty', why: 'NaN: no requests in the range' }],
  ])('%s', (_what, status, body, outcome) => {
    expect(parseQueryResponse(status, body)).toEqual(outcome);
  });

  it('refuses a result it cannot reduce to one number, for good', () => {
    expect(parseQueryResponse(200, vector('1', '2'))).toEqual({ kind: 'failed', message: 'returned 2 series, not one number: aggregate it (e.g. sum(...))', permanent: true });
    expect(parseQueryResponse(200, ok({ resultType: 'matrix', result: [] }))).toMatchObject({ kind: 'failed', permanent: true, message: expect.stringMatching(/^returned a matrix, not one number/) });
  });

  it('reads the API\'s error shape: a bad or unexecutable query is permanent, a timeout is not', () => {
    const error = (errorType: string, error: string) => JSON.stringify({ status: 'error', errorType, error });
    expect(parseQueryResponse(400, error('bad_data', '1:8: parse error: unexpected "}"'))).toEqual({ kind: 'failed', message: 'HTTP 400, bad_data: 1:8: parse error: unexpected "}"', permanent: true });
    expect(parseQueryResponse(422, error('execution', 'many-to-many matching not allowed'))).toMatchObject({ permanent: true });
    expect(parseQueryResponse(503, error('timeout', 'query timed out in expression evaluation'))).toEqual({ kind: 'failed', message: 'HTTP 503, timeout: query timed out in expression evaluation', permanent: false });
  });

  it('says when the answer is not from a Prometheus API at all', () => {
    expect(parseQueryResponse(404, '404 page not found')).toEqual({ kind: 'failed', message: 'HTTP 404, not a Prometheus API answer (is the URL that of a Prometheus server?): 404 page not found', permanent: true });
    expect(parseQueryResponse(502, '<html>\n<b>Bad Gateway</b></html>')).toEqual({ kind: 'failed', message: 'HTTP 502, not a Prometheus API answer: <html> <b>Bad Gateway</b></html>', permanent: false });
  });
});

describe('PrometheusHttp against a stub server', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function stub(handler: (form: URLSearchParams, path: string) => { status: number; body: string } | undefined): Promise<string> {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const answer = handler(new URLSearchParams(text), req.url ?? '');
        if (answer) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('POSTs the query, its evaluation time in unix seconds and a timeout to /api/v1/query under the base path', async () => {
    let seen: { form: URLSearchParams; path: string } | undefined;
    const url = await stub((form, path) => ((seen = { form, path }), { status: 200, body: vector('7') }));
    const outcome = await new PrometheusHttp(`${url}/prom/`, 2000).query('sum(up{ns="a b"})', 1_795_443_127_490, new AbortController().signal);
    expect(outcome).toEqual({ kind: 'value', value: 7 });
    expect(seen?.path).toBe('/prom/api/v1/query');
    expect(seen?.form.get('query')).toBe('sum(up{ns="a b"})');
    expect(seen?.form.get('time')).toBe('1795443127.490');
    expect(seen?.form.get('timeout')).toBe('2000ms');
  });

  it('turns a refused connection into a failure worth retrying, with the socket\'s reason', async () => {
    const url = await stub(() => undefined);
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const outcome = await new PrometheusHttp(url, 2000).query('up', Date.now(), new AbortController().signal);
    expect(outcome).toEqual({ kind: 'failed', message: 'unreachable: fetch failed (ECONNREFUSED)', permanent: false });
  });

  it('gives up on a silent server after the timeout', async () => {
    const url = await stub(() => undefined);
    const outcome = await new PrometheusHttp(url, 200).query('up', Date.now(), new AbortController().signal);
    expect(outcome).toEqual({ kind: 'failed', message: 'no answer within 200 ms', permanent: false });
    server?.closeAllConnections();
  });

  it('rejects, rather than fails, when the run is interrupted', async () => {
    const url = await stub(() => undefined);
    const ctl = new AbortController();
    const pending = new PrometheusHttp(url, 5000).query('up', Date.now(), ctl.signal);
    setTimeout(() => ctl.abort(new Error('interrupted')), 50);
    await expect(pending).rejects.toThrow('interrupted');
    server?.closeAllConnections();
  });
});

describe('PrometheusHttp with credentials in its URL', () => {
  it('sends them as basic auth (fetch refuses a URL with credentials) and never shows them', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fetchFn = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      calls.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
      return new Response(vector('7'), { status: 200 });
    }) as typeof fetch;
    const http = new PrometheusHttp('https://reader:s3cr%40t@prom.example:9090/prom', 2000, fetchFn);
    expect(await http.query('up', Date.now(), new AbortController().signal)).toEqual({ kind: 'value', value: 7 });
    expect(calls[0]?.url).toBe('https://prom.example:9090/prom/api/v1/query');
    expect(calls[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('reader:s3cr@t').toString('base64')}`);
    expect(http.url).not.toContain('s3cr');
    expect(http.url).not.toContain('reader');
  });

  it('keeps the password out of the failure message too', async () => {
    const http = new PrometheusHttp('http://reader:s3cret@127.0.0.1:1', 2000);
    const outcome = await http.query('up', Date.now(), new AbortController().signal);
    expect(outcome.kind).toBe('failed');
    expect(JSON.stringify(outcome)).not.toContain('s3cret');
  });

  it('leaves a URL without credentials as it was written', () => {
    expect(new PrometheusHttp('http://127.0.0.1:19090', 2000).url).toBe('http://127.0.0.1:19090');
  });
});
