import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/**
 * A TLS-terminating proxy in front of the local cluster's kube-apiserver that injects API
 * faults, for the reliability tests (issue 9). It serves with the apiserver's own serving
 * certificate (kwokctl's admin.crt, valid for 127.0.0.1), so a kubeconfig that differs from
 * the cluster's only in its server URL trusts it; upstream it authenticates with the
 * cluster's client certificate. Answers are streamed, so watches and helm --wait work.
 *
 * Faults, each a per-request choice: `conflict` (409, only for writes that carry a
 * resourceVersion: a 409 anywhere else is something no apiserver says), `throttle` (429
 * with Retry-After), `error500`, `unavailable` (503), `slow` (answered after `slowMs`),
 * `drop` (connection destroyed before the request reaches the apiserver) and `lost`
 * (forwarded and applied, then the connection destroyed: the answer never arrives).
 */
export const FAULT_KINDS = ['conflict', 'throttle', 'error500', 'unavailable', 'slow', 'drop', 'lost'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultProxyOptions {
  /** The cluster's kubeconfig (server, CA, client certificate). */
  readonly kubeconfig: string;
  /** Share of the targeted requests that get a fault, 0..1. */
  readonly rate?: number;
  /** The kinds to draw from (uniformly, among those that fit the request). */
  readonly kinds?: readonly FaultKind[];
  readonly retryAfterSeconds?: number;
  readonly slowMs?: number;
  /** Which requests may get faults; the others pass untouched. */
  readonly target?: (request: { readonly userAgent: string; readonly method: string; readonly url: string }) => boolean;
  /** When set, requests must carry `Authorization: Bearer <token>` (the secrets test). */
  readonly bearerToken?: string;
  /** At most this many faults in all (then every request passes): `1` fails just the first match. */
  readonly limit?: number;
  readonly random?: () => number;
}

export interface ProxiedRequest {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly userAgent: string;
  readonly fault: FaultKind | undefined;
}

interface Upstream {
  readonly host: string;
  readonly port: number;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private readonly upstream: Upstream;

  constructor(private o: FaultProxyOptions) {
    this.upstream = upstreamOf(o.kubeconfig);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Changes rates or kinds between scenarios (the port, and so the kubeconfig, stay). */
  configure(change: Partial<Omit<FaultProxyOptions, 'kubeconfig'>>): void {
    this.o = { ...this.o, ...change };
  }

  async start(port = 0): Promise<this> {
    const server = createServer({ cert: this.upstream.cert, key: this.upstream.key }, (req, res) => void this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** The apiserver unreachable: the port closed (ECONNREFUSED) and every open connection cut. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Reachable again, on the same port. */
  async up(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.down();
  }

  /** The cluster's kubeconfig with the server pointed here (and, optionally, other users). */
  writeKubeconfig(file: string, edit: (doc: KubeconfigDoc) => KubeconfigDoc = (d) => d): string {
    const doc = JSON.parse(JSON.stringify(kubeconfigDoc(this.o.kubeconfig))) as KubeconfigDoc;
    for (const c of doc.clusters) c.cluster.server = this.url;
    writeFileSync(file, stringify(edit(doc)));
    return file;
  }

  /** Injected faults by kind, over the requests seen so far (or those a filter keeps). */
  counts(keep: (r: ProxiedRequest) => boolean = () => true): Record<FaultKind | 'passed', number> {
    const counts = Object.fromEntries([...FAULT_KINDS, 'passed'].map((k) => [k, 0])) as Record<FaultKind | 'passed', number>;
    for (const r of this.requests.filter(keep)) counts[r.fault ?? 'passed']++;
    return counts;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const userAgent = req.headers['user-agent'] ?? '';
    if (this.o.bearerToken !== undefined && req.headers.authorization !== `Bearer ${this.o.bearerToken}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const fault = this.choose(req.method ?? 'GET', req.url ?? '', body, userAgent);
    this.requests.push({ at: Date.now(), method: req.method ?? 'GET', url: req.url ?? '', userAgent, fault });
    const retryAfter = String(this.o.retryAfterSeconds ?? 1);
    switch (fault) {
      case 'conflict':
        return status(res, 409, 'Conflict', 'injected: the object has been modified; please apply your changes to the latest version and try again');
      case 'throttle':
        return status(res, 429, 'TooManyRequests', 'injected: too many requests, please try again later', { 'Retry-After': retryAfter });
      case 'error500':
        return status(res, 500, 'InternalError', 'injected: an error on the server ("") has prevented the request from succeeding');
      case 'unavailable':
        return status(res, 503, 'ServiceUnavailable', 'injected: the server is currently unable to handle the request');
      case 'drop':
        return void req.socket.destroy();
      case 'slow':
        await new Promise((r) => setTimeout(r, this.o.slowMs ?? 1500));
        return this.forward(req, res, body, false);
      case 'lost':
        return this.forward(req, res, body, true);
      case undefined:
        return this.forward(req, res, body, false);
    }
  }

  private choose(method: string, url: string, body: Buffer, userAgent: string): FaultKind | undefined {
    const random = this.o.random ?? Math.random;
    if (!(this.o.target ?? (() => true))({ userAgent, method, url }) || random() >= (this.o.rate ?? 0)) return undefined;
    if (this.o.limit !== undefined && this.requests.filter((r) => r.fault !== undefined).length >= this.o.limit) return undefined;
    const write = method !== 'GET' && method !== 'HEAD';
    const cas = (method === 'PUT' || method === 'PATCH') && body.includes('"resourceVersion"');
    const fits = (this.o.kinds ?? FAULT_KINDS).filter((k) => (k === 'conflict' ? cas : k === 'lost' ? write : true));
    return fits.length === 0 ? undefined : fits[Math.floor(random() * fits.length)];
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer, loseAnswer: boolean): void {
    const { host, port, ca, cert, key } = this.upstream;
    const headers = { ...req.headers, host: `${host}:${port}` };
    delete headers.authorization;
    const up = httpsRequest({ host, port, ca, cert, key, method: req.method, path: req.url, headers }, (answer) => {
      if (loseAnswer) {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    // A client that hangs up (a watch ended, a cancelled request) ends the upstream request too.
    res.on('close', () => up.destroy());
    up.end(body);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A metav1.Status, as the apiserver answers errors. */
function status(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

export interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> & { server: string } }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
  [key: string]: unknown;
}

/** The cluster's kubeconfig with every file reference inlined (`*-data`), so a copy stands alone. */
export function kubeconfigDoc(file: string): KubeconfigDoc {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const data = (inline: string | undefined, path: string | undefined): string | undefined => inline ?? (path ? readFileSync(path).toString('base64') : undefined);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: kc.getClusters().map((c) => ({ name: c.name, cluster: { server: c.server, 'certificate-authority-data': data(c.caData, c.caFile) } })),
    users: kc.getUsers().map((u) => ({ name: u.name, user: { 'client-certificate-data': data(u.certData, u.certFile), 'client-key-data': data(u.keyData, u.keyFile) } })),
    contexts: kc.getContexts().map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user } })),
    'current-context': kc.getCurrentContext(),
  };
}

function upstreamOf(file: string): Upstream {
  const doc = kubeconfigDoc(file);
  const cluster = doc.clusters.find((c) => c.name === doc.contexts.find((x) => x.name === doc['current-context'])?.context.cluster) ?? doc.clusters[0];
  const user = doc.users[0];
  if (!cluster || !user) throw new Error(`${file}: no cluster or user`);
  const url = new URL(cluster.cluster.server);
  const b64 = (v: unknown): Buffer => Buffer.from(String(v), 'base64');
  return { host: url.hostname, port: Number(url.port || 443), ca: b64(cluster.cluster['certificate-authority-data']), cert: b64(user.user['client-certificate-data']), key: b64(user.user['client-key-data']) };
}
