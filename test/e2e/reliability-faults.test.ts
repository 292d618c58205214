import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import type { FaultKind, FaultProxy, ProxiedRequest } from '../support/fault-proxy.js';
import { PRODUCT_AGENT } from '../support/audit-log.js';
import { TO_REV, backends, route } from './support.js';
import { canaryProcess, faultProxy, ReadinessWatch, retryLines, upgradeArgs } from './reliability-support.js';
import { re } from '../support/literal-regexp.js';

/**
 * Issue 9, API faults: upgrades through a proxy that fails a share of the product's API
 * requests (409 on compare-and-swap writes, 429 with Retry-After, 500, 503, slow answers,
 * connections dropped before or after the apiserver applied the request). Each must still
 * promote, every retry must be on stderr, and traffic must never go to a backend that is
 * not Ready. RELIABILITY_FAULT_RUNS (default 3) upgrades at RELIABILITY_FAULT_RATE (0.1);
 * RELIABILITY_FAULT_HELM=1 faults helm's requests too (helm has its own retry rules);
 * RELIABILITY_FAULT_KINDS narrows the kinds (e.g. conflict,lost to stress the writes).
 */
const RUNS = Number(process.env['RELIABILITY_FAULT_RUNS'] ?? 3);
const RATE = Number(process.env['RELIABILITY_FAULT_RATE'] ?? 0.1);
const FAULT_HELM = process.env['RELIABILITY_FAULT_HELM'] === '1';
/** RELIABILITY_FAULT_KINDS=conflict,lost: only those kinds (default: all, drawn uniformly). */
const KINDS = process.env['RELIABILITY_FAULT_KINDS']?.split(',') as FaultKind[] | undefined;
const RETRY_AFTER_S = 1;
const MAX_ATTEMPTS = FAULT_HELM ? 5 : 0;
const RETRIED: readonly FaultKind[] = ['throttle', 'error500', 'unavailable', 'drop', 'lost'];
const fromProduct = (r: ProxiedRequest): boolean => r.userAgent.startsWith(PRODUCT_AGENT);

let proxy: FaultProxy;
let kubeconfig: string;
let unlock: () => void;
beforeAll(async () => {
  unlock = await lockDemoState();
  ({ proxy, kubeconfig } = await faultProxy({ rate: 0, retryAfterSeconds: RETRY_AFTER_S, slowMs: 1500 }));
}, 600_000);
afterAll(async () => {
  await proxy?.stop();
  unlock?.();
});

interface Outcome {
  readonly exitCode: number;
  /** Runs of `canary upgrade` until it promoted (more than 1 only when helm is faulted too; MAX_ATTEMPTS + 1: the last without faults). */
  readonly attempts: number;
  readonly helmFaults: number;
  readonly seconds: number;
  readonly faults: Record<string, number>;
  readonly retries: number;
  readonly productRequests: number;
}
const outcomes: Outcome[] = [];

describe(`Given ${Math.round(RATE * 100)}% of the API requests failing (409, 429, 500, 503, slow, dropped)`, () => {
  it.each(Array.from({ length: RUNS }, (_, i) => i + 1))(`When healthy upgrade %i of ${RUNS} runs through the fault proxy, Then it promotes, every retry is on stderr, and traffic only goes to Ready backends`, async () => {
    await resetDemoState();
    proxy.requests.length = 0;
    proxy.configure({ rate: RATE, kinds: KINDS, target: ({ userAgent: ua }) => ua.startsWith(PRODUCT_AGENT) || (FAULT_HELM && ua.startsWith('Helm/')) });
    const watch = new ReadinessWatch().start();
    const started = Date.now();
    // Helm stops at its first failed request (its client retries only answers with
    // Retry-After): the run then exits 1, traffic safe, and running it again resumes it —
    // under the same faults up to MAX_ATTEMPTS times, then once more with the faults gone.
    let r = await canaryProcess(upgradeArgs('3s'), kubeconfig);
    let stderr = r.stderr;
    let attempts = 1;
    for (; r.exitCode !== 0 && attempts <= MAX_ATTEMPTS; attempts++) {
      expect(r.exitCode, r.all).toBe(1);
      if (attempts === MAX_ATTEMPTS) proxy.configure({ rate: 0 });
      r = await canaryProcess(upgradeArgs('3s'), kubeconfig);
      stderr += r.stderr;
    }
    const { samples, violations } = await watch.finish();
    proxy.configure({ rate: 0 });

    const faults = proxy.counts(fromProduct);
    const lines = retryLines(stderr);
    const helmFaults = proxy.requests.filter((q) => q.userAgent.startsWith('Helm/') && q.fault !== undefined).length;
    outcomes.push({ exitCode: r.exitCode ?? -1, attempts, helmFaults, seconds: Math.round((Date.now() - started) / 1000), faults, retries: lines.length, productRequests: proxy.requests.filter(fromProduct).length });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(re`Promoted: the mesh runs ${TO_REV}`);
    expect(backends(await route())).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
    expect(samples).toBeGreaterThan(10);
    expect(violations).toEqual([]);
    // Every injected failure that a retry can fix was retried, and said so.
    expect(lines.length).toBe(RETRIED.reduce((n, k) => n + faults[k], 0));
    expect(lines.filter((l) => l.reason === 'HTTP 429').map((l) => l.delayS)).toEqual(Array(faults.throttle).fill(RETRY_AFTER_S));
    expect(lines.every((l) => l.attempt <= l.of && l.of === 5)).toBe(true);
  }, 600_000);

  afterAll(() => {
    const sum = (k: string): number => outcomes.reduce((n, o) => n + (o.faults[k] ?? 0), 0);
    console.info(
      [
        `API faults: ${outcomes.length} upgrade(s) at ${RATE * 100}%${FAULT_HELM ? ' (helm too)' : ' (product requests)'}: exit codes ${outcomes.map((o) => o.exitCode).join(',')}; attempts ${outcomes.map((o) => o.attempts).join(',')}; ${outcomes.map((o) => `${o.seconds}s`).join(', ')}`,
        `  product requests ${outcomes.reduce((n, o) => n + o.productRequests, 0)}; injected: ${['conflict', 'throttle', 'error500', 'unavailable', 'slow', 'drop', 'lost'].map((k) => `${k} ${sum(k)}`).join(', ')}`,
        `  retry lines on stderr: ${outcomes.reduce((n, o) => n + o.retries, 0)}; faults on helm's requests: ${outcomes.reduce((n, o) => n + o.helmFaults, 0)}`,
      ].join('\n'),
    );
  });
});

describe('Given an apiserver that keeps failing', () => {
  it.each([
    ['503 on every request', ['unavailable'] as FaultKind[], /HTTP 503/],
    ['429 with Retry-After on every request', ['throttle'] as FaultKind[], /HTTP 429/],
    ['every connection dropped', ['drop'] as FaultKind[], /ECONNRESET|UND_ERR_SOCKET/],
  ])('When `canary status` meets %s, Then it retries 4 times, each on stderr, and gives up (exit 1)', async (_name, kinds, reason) => {
    proxy.requests.length = 0;
    proxy.configure({ rate: 1, kinds, target: ({ userAgent }) => userAgent.startsWith(PRODUCT_AGENT) });
    const started = Date.now();
    const r = await canaryProcess(['status'], kubeconfig);
    const seconds = (Date.now() - started) / 1000;
    proxy.configure({ rate: 0 });
    const lines = retryLines(r.stderr);
    expect(r.exitCode, r.all).toBe(1);
    expect(lines.map((l) => l.attempt)).toEqual([2, 3, 4, 5]);
    expect(lines.every((l) => reason.test(l.reason))).toBe(true);
    expect(proxy.requests.filter(fromProduct)).toHaveLength(5);
    // Backoff 0.25, 0.5, 1, 2 s (each at least half that, with jitter), or Retry-After: 1 s each.
    expect(seconds).toBeLessThan(15);
    if (kinds[0] === 'throttle') expect(lines.map((l) => l.delayS)).toEqual([1, 1, 1, 1]);
  }, 120_000);

  it('When the run record read is throttled twice with Retry-After: 2, Then each next attempt waits the 2 s the server asked for', async () => {
    proxy.requests.length = 0;
    // One URL that `status` reads once, so every later request to it is a retry.
    proxy.configure({ rate: 1, limit: 2, kinds: ['throttle'], retryAfterSeconds: 2, target: ({ userAgent, url }) => userAgent.startsWith(PRODUCT_AGENT) && url.includes('/configmaps?') });
    const r = await canaryProcess(['status'], kubeconfig);
    proxy.configure({ rate: 0, limit: undefined, retryAfterSeconds: RETRY_AFTER_S });
    const reads = proxy.requests.filter((q) => fromProduct(q) && q.url.includes('/configmaps?'));
    const gaps = reads.slice(1).map((q, i) => q.at - (reads[i] as ProxiedRequest).at);
    expect(r.exitCode, r.all).toBe(0);
    expect(retryLines(r.stderr).map((l) => [l.reason, l.delayS, l.attempt])).toEqual([['HTTP 429', 2, 2], ['HTTP 429', 2, 3]]);
    expect(reads.map((q) => q.fault)).toEqual(['throttle', 'throttle', undefined]);
    expect(gaps.every((g) => g >= 1950 && g < 3000), `gaps ${gaps.join(', ')} ms`).toBe(true);
  }, 120_000);
});
