// Sends requests through a gateway and tallies the answers: by status and by a response
// header (x-sim-namespace, x-sim-revision). Keep-alive connections, bounded concurrency.

import { Agent, request } from 'node:http';

export interface Tally {
  total: number;
  byStatus: Map<number, number>;
  byHeader: Map<string, number>;
  /** "<header value> <status>" -> count */
  byHeaderStatus: Map<string, number>;
  maxLatencyMs: number;
  minLatencyMs: number;
}

function once(agent: Agent, url: URL, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function sample(url: string, n: number, opts: { header?: string; headers?: Record<string, string>; concurrency?: number } = {}): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const target = new URL(url);
  const tally: Tally = { total: 0, byStatus: new Map(), byHeader: new Map(), byHeaderStatus: new Map(), maxLatencyMs: 0, minLatencyMs: Infinity };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const started = performance.now();
      const r = await once(agent, target, opts.headers ?? {});
      const ms = performance.now() - started;
      tally.maxLatencyMs = Math.max(tally.maxLatencyMs, ms);
      tally.minLatencyMs = Math.min(tally.minLatencyMs, ms);
      tally.total++;
      tally.byStatus.set(r.status, (tally.byStatus.get(r.status) ?? 0) + 1);
      if (opts.header) {
        const v = String(r.headers[opts.header] ?? '');
        tally.byHeader.set(v, (tally.byHeader.get(v) ?? 0) + 1);
        const hs = `${v} ${r.status}`;
        tally.byHeaderStatus.set(hs, (tally.byHeaderStatus.get(hs) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, worker));
  } finally {
    agent.destroy();
  }
  return tally;
}

/** Pearson's chi-square statistic of observed counts against expected shares (zero shares must see zero). */
export function chiSquare(observed: Record<string, number>, shares: Record<string, number>): number {
  const total = Object.values(observed).reduce((a, b) => a + b, 0);
  let chi = 0;
  for (const [k, share] of Object.entries(shares)) {
    const o = observed[k] ?? 0;
    if (share === 0) {
      if (o > 0) return Number.POSITIVE_INFINITY;
      continue;
    }
    const e = total * share;
    chi += (o - e) ** 2 / e;
  }
  return chi;
}

/** Critical values of chi-square at p = 0.001 by degrees of freedom. */
export const CHI2_P001: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266 };
