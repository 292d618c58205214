import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in gateway answers: which revision serves request i, and what it answers. */
export interface Behaviour {
  /** Revision for the i-th request (0-based), or undefined to send no revision header. */
  readonly revisionOf: (i: number) => string | undefined;
  /** Status for a request served by `revision` at `elapsedMs` since the server started. */
  readonly statusOf?: (revision: string | undefined, elapsedMs: number, random: () => number) => number;
  /** Never answer these paths (so the client times out). */
  readonly hangPaths?: readonly string[];
}

/** What the server sent, per revision ('-' for no header): the ground truth the load port must match. */
export interface Tally {
  requests: number;
  hung: number;
  byRevision: Record<string, { responses: number; errors: number }>;
}

export interface AttributionServer {
  readonly url: string;
  readonly tally: Tally;
  close(): Promise<void>;
}

/**
 * An in-process HTTP server on 127.0.0.1 that plays a gateway whose route adds
 * `x-canary-revision` per backend: it picks a revision per request, says so in the header,
 * and counts every response it finished writing, so a test can compare exactly.
 */
export async function startAttributionServer(b: Behaviour): Promise<AttributionServer> {
  const tally: Tally = { requests: 0, hung: 0, byRevision: {} };
  const started = Date.now();
  const hanging = new Set<ServerResponse>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const i = tally.requests++;
    if (b.hangPaths?.includes(req.url ?? '')) {
      tally.hung++;
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    const revision = b.revisionOf(i);
    const status = b.statusOf?.(revision, Date.now() - started, Math.random) ?? 200;
    const key = revision ?? '-';
    const entry = (tally.byRevision[key] ??= { responses: 0, errors: 0 });
    res.on('finish', () => {
      entry.responses++;
      if (status < 200 || status >= 300) entry.errors++;
    });
    const headers: Record<string, string> = { 'content-type': 'text/plain', 'content-length': '2' };
    if (revision !== undefined) headers['x-canary-revision'] = revision;
    res.writeHead(status, headers);
    res.end('ok');
  };
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tally,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every `every`-th request to the canary, the rest to stable: an exact split. */
export const everyNth = (every: number, stable: string, canary: string) => (i: number): string => (i % every === 0 ? canary : stable);
