// The HTTP CONNECT proxy kube-apiserver's egress selector sends its `cluster` and
// `controlplane` traffic to (scripts/egress-selector.yaml), on a unix socket in the run dir.
// The apiserver opens one connection per dial and writes `CONNECT <addr> HTTP/1.1`
// (k8s.io/apiserver/pkg/server/egressselector, tunnelHTTPConnect); anything but a 200 fails the
// dial with "proxy error from <socket> while dialing <addr>, code <n>: <status line>". An
// istiod's webhook port is answered by the simulator itself (webhook-server.ts); everything
// else is refused. Nothing is ever dialled, so no connection leaves the machine.
// `GET /connects` on the same socket lists the recent CONNECTs (for tests); the log gets one
// line when a target's outcome changes, never one per request.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { existsSync, unlinkSync } from 'node:fs';
import type { ConnectTarget, IstiodTarget } from './connect-target.js';

const KEEP = 500;

export interface ConnectRecord {
  at: string;
  target: string;
  status: number;
  /** The Service it reached (namespace/name), or why it was refused. */
  detail: string;
}

export interface ProxyDeps {
  resolve: (connect: string) => ConnectTarget;
  accept: (socket: Socket, connect: string, target: IstiodTarget) => Promise<unknown>;
  log: (line: string) => void;
}

/** A reason phrase carries no CR/LF and stays short (it ends up in the apiserver's error). */
const phrase = (reason: string) => reason.replace(/[\r\n]+/g, ' ').slice(0, 200);

export class EgressProxy {
  private readonly server: Server;
  private readonly recent: ConnectRecord[] = [];
  private readonly outcome = new Map<string, string>();

  constructor(private readonly socketPath: string, private readonly deps: ProxyDeps) {
    this.server = createServer((req, res) => this.debug(req, res));
    this.server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => void this.tunnel(req, socket, head));
  }

  listen(): Promise<void> {
    // A socket file left by a simulator that was killed would make listen fail with EADDRINUSE.
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => {
        this.deps.log(`egress proxy listening on ${this.socketPath}`);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async tunnel(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const connect = req.url ?? '';
    const target = this.deps.resolve(connect);
    this.record(connect, target);
    if (!target.ok) {
      socket.end(`HTTP/1.1 ${target.status} ${phrase(target.reason)}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    try {
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length > 0) socket.unshift(head);
      await this.deps.accept(socket, connect, target);
    } catch (err) {
      this.deps.log(`egress proxy: could not serve ${connect} as ${target.service}: ${(err as Error).message}`);
      socket.destroy();
    }
  }

  private record(connect: string, target: ConnectTarget): void {
    const detail = target.ok ? target.service : target.reason;
    const status = target.ok ? 200 : target.status;
    this.recent.push({ at: new Date().toISOString(), target: connect, status, detail });
    if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP);
    const summary = `${status} ${detail}`;
    if (this.outcome.get(connect) !== summary) {
      this.outcome.set(connect, summary);
      const served = target.ok && `served as istiod ${target.namespace}/${target.deployment.metadata?.name} (revision ${target.revision})`;
      this.deps.log(`egress CONNECT ${connect}: ${served || `refused ${summary}`}`);
    }
  }

  private debug(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/connects') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ connects: this.recent }));
      return;
    }
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('this proxy only serves CONNECT (and GET /connects)\n');
  }
}
