// istiod's HTTPS webhook server (port 15017), played for every istiod at once. It never listens:
// the egress proxy hands it each CONNECT tunnel it accepts, and it speaks TLS on it with the
// serving certificate of the istiod the tunnel was opened to, so the apiserver checks that
// istiod's certificate against the caBundle of the webhook configuration, as it would.
// Connections to an istiod that is no longer Ready are closed (its pods are gone), so the
// apiserver's pooled keep-alive connections cannot outlive it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { CertificateAuthority } from './ca.js';
import type { ConnectTarget, IstiodTarget } from './connect-target.js';
import { answerReview, type IstiodView } from './review.js';

const MAX_BODY = 16 * 1024 * 1024;

export interface WebhookDeps {
  ca: CertificateAuthority;
  /** The istiod's view at the time of the request (ConfigMaps, nodes). */
  view: (target: IstiodTarget) => IstiodView;
  /** Re-resolves a tunnel's target against the current caches. */
  resolve: (connect: string) => ConnectTarget;
}

interface Tunnel {
  connect: string;
  target: IstiodTarget;
}

export class WebhookServer {
  private readonly http: Server;
  private readonly tunnels = new Map<TLSSocket, Tunnel>();
  private readonly contexts = new Map<string, Promise<SecureContext>>();

  constructor(private readonly deps: WebhookDeps) {
    this.http = createServer({ keepAliveTimeout: 30_000 }, (req, res) => this.serve(req, res));
  }

  /** Speaks TLS as `target`'s istiod on a tunnel the proxy has just opened. */
  async accept(socket: Socket, connect: string, target: IstiodTarget): Promise<TLSSocket> {
    const key = target.dnsNames.join(',');
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = this.deps.ca.servingFor(target.dnsNames).then((kp) => createSecureContext({ cert: kp.certPem, key: kp.keyPem }));
      this.contexts.set(key, ctx);
    }
    const tls = new TLSSocket(socket, { isServer: true, secureContext: await ctx, ALPNProtocols: ['http/1.1'] });
    this.tunnels.set(tls, { connect, target });
    tls.on('close', () => this.tunnels.delete(tls));
    tls.on('error', () => tls.destroy());
    this.http.emit('connection', tls);
    return tls;
  }

  /** Closes the tunnels whose istiod is gone or not Ready any more. */
  sweep(): void {
    for (const [tls, t] of this.tunnels) if (!this.stillServed(t)) tls.destroy();
  }

  close(): void {
    for (const tls of this.tunnels.keys()) tls.destroy();
    this.http.close();
  }

  private stillServed(t: Tunnel): boolean {
    const now = this.deps.resolve(t.connect);
    return now.ok && now.deployment.metadata?.uid === t.target.deployment.metadata?.uid;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const tunnel = this.tunnels.get(req.socket as TLSSocket);
    if (!tunnel || !this.stillServed(tunnel)) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.socket.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const now = this.deps.resolve(tunnel.connect);
      const target = now.ok ? now : tunnel.target;
      const path = new URL(req.url ?? '/', 'https://istiod').pathname;
      const answer = answerReview(req.method ?? 'GET', path, req.headers['content-type'], Buffer.concat(chunks).toString('utf8'), this.deps.view(target));
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
    });
  }
}
