// One HTTP server per Gateway address and listener port ("127.0.10.1:18080"). All share one
// handler, which finds its Gateway by the local address the request arrived on.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

interface Bound {
  server: Server;
  state: 'binding' | 'bound' | 'failed';
  error?: string;
  failedAt?: number;
}

const RETRY_MS = 5000;

export class Listeners {
  private readonly bound = new Map<string, Bound>();

  constructor(
    private readonly handler: (req: IncomingMessage, res: ServerResponse) => void,
    /** Called when a bind finished or failed, so statuses can be rewritten. */
    private readonly changed: () => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Bind what is wanted and not bound (retrying failures), close what is no longer wanted. */
  sync(wanted: Set<string>): void {
    for (const [key, b] of this.bound) {
      if (!wanted.has(key)) this.close(key, b);
    }
    const now = Date.now();
    for (const key of wanted) {
      const b = this.bound.get(key);
      if (!b || (b.state === 'failed' && now - (b.failedAt ?? 0) > RETRY_MS)) this.open(key);
    }
  }

  error(address: string, port: number): string | undefined {
    const b = this.bound.get(`${address}:${port}`);
    return b?.state === 'failed' ? b.error : undefined;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.bound.entries()].map(([key, b]) => this.close(key, b)));
  }

  private open(key: string): void {
    const i = key.lastIndexOf(':');
    const address = key.slice(0, i);
    const port = Number(key.slice(i + 1));
    const server = createServer({ keepAlive: true }, this.handler);
    server.keepAliveTimeout = 30_000;
    const entry: Bound = { server, state: 'binding' };
    this.bound.set(key, entry);
    server.once('error', (err: NodeJS.ErrnoException) => {
      Object.assign(entry, { state: 'failed', error: `cannot listen on ${key}: ${err.code ?? err.message}`, failedAt: Date.now() });
      this.log(`listener ${key}: ${entry.error}`);
      this.changed();
    });
    server.listen(port, address, () => {
      entry.state = 'bound';
      this.log(`listener ${key}: serving`);
      this.changed();
    });
  }

  private close(key: string, b: Bound): Promise<void> {
    this.bound.delete(key);
    if (b.state !== 'bound') return Promise.resolve();
    this.log(`listener ${key}: closed`);
    return new Promise((resolve) => {
      b.server.close(() => resolve());
      b.server.closeAllConnections();
    });
  }
}
