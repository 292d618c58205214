import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../src/domain/conflict.js';
import { ExitCode, InfraError, InputError } from '../../../src/domain/errors.js';
import { createKubeClient, loadKubeConfig } from '../../../src/kube/client.js';
import { DisruptionBudgetError, mapError, site } from '../../../src/kube/errors.js';
import { createKubePorts } from '../../../src/kube/index.js';

function kubeconfig(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: { server: "${server}", insecure-skip-tls-verify: true }
users:
- name: admin
  user: { token: s3cr3t-token }
contexts:
- name: lab
  context: { cluster: lab, user: admin }
- name: prod
  context: { cluster: lab, user: admin }
current-context: lab
`,
  );
  return file;
}

/** A port nobody listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('loadKubeConfig', () => {
  it('selects the named context', () => {
    expect(loadKubeConfig({ kubeconfig: kubeconfig('https://127.0.0.1:6443'), context: 'prod' }).target).toEqual({ context: 'prod', server: 'https://127.0.0.1:6443' });
  });

  it('lists the available contexts when asked for an unknown one (exit 2)', () => {
    const file = kubeconfig('https://127.0.0.1:6443');
    const err = (() => {
      try {
        loadKubeConfig({ kubeconfig: file, context: 'staging' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(ExitCode.badInput);
    expect((err as InputError).problems).toEqual([{ path: '--context', message: `no context "staging" in ${file}; available: lab, prod` }]);
  });

  it('names an unreadable kubeconfig without echoing its content', () => {
    expect(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(/--kubeconfig: cannot read \/nonexistent\/kubeconfig \(ENOENT\)/);
  });
});

describe('an unreachable cluster', () => {
  it('fails inspect with InfraError (exit 1) naming the context and server, never the token', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const retries: string[] = [];
    const ports = createKubePorts({ kubeconfig: kubeconfig(server), retry: { attempts: 2, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1 }, onRetry: (m) => retries.push(m) });
    const query = { istioNamespace: 'istio-system', namespaces: ['shop'], route: { namespace: 'shop', name: 'web' }, gateway: { namespace: 'gw', name: 'gw' } };
    const err = await ports.reader.inspect(query, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).exitCode).toBe(ExitCode.infrastructure);
    expect((err as Error).message).toContain(`context "lab" at ${server} (ECONNREFUSED)`);
    expect((err as Error).message).not.toContain('s3cr3t');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.join('\n')).toContain('ECONNREFUSED');
  });

  it('stops at once when the caller aborts', async () => {
    const client = createKubeClient({ kubeconfig: kubeconfig(`https://127.0.0.1:${await closedPort()}`), retry: { attempts: 10, baseMs: 60_000, maxMs: 60_000, maxRetryAfterMs: 1 } });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const run = client.call(site('list', 'Node'), controller.signal, () => client.core.listNode());
    setTimeout(() => controller.abort(reason), 50);
    await expect(run).rejects.toBe(reason);
  });
});

describe('a cluster that accepts connections but never answers', () => {
  async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `https://127.0.0.1:${port}`,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it('cancels the request in flight when the caller aborts', async () => {
    const silent = await silentServer();
    try {
      const client = createKubeClient({ kubeconfig: kubeconfig(silent.url), requestTimeoutMs: 60_000 });
      const controller = new AbortController();
      const reason = new Error('interrupted');
      const run = client.call(site('list', 'Node'), controller.signal, () => client.core.listNode());
      setTimeout(() => controller.abort(reason), 100);
      await expect(run).rejects.toBe(reason);
    } finally {
      await silent.close();
    }
  });

  it('gives up on a request after the per-request timeout and says so', async () => {
    const silent = await silentServer();
    try {
      const client = createKubeClient({ kubeconfig: kubeconfig(silent.url), requestTimeoutMs: 100, retry: { attempts: 2, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1 } });
      const err = await client.call(site('list', 'Node'), new AbortController().signal, () => client.core.listNode()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InfraError);
      expect((err as Error).message).toContain(`cannot reach the cluster of context "lab" at ${silent.url} (REQUEST_TIMEOUT)`);
    } finally {
      await silent.close();
    }
  });
});

describe('mapError', () => {
  const target = { context: 'lab', server: 'https://k:6443' };
  const api = (code: number, body: unknown = {}) => new ApiException(code, 'x', body, {});

  it('maps 404 and 409 to the classes callers branch on', () => {
    expect(mapError(api(404), site('get', 'Node', undefined, 'n1'), target)).toBeInstanceOf(NotFoundError);
    expect(mapError(api(409), site('patch', 'HTTPRoute', 'shop', 'web'), target)).toBeInstanceOf(ConflictError);
  });

  it('names the verb, resource and missing RBAC on 403', () => {
    const err = mapError(api(403, { message: 'nodes "n1" is forbidden: User "ci" cannot patch resource "nodes"' }), site('patch', 'Node', undefined, 'n1'), target);
    expect(err).toBeInstanceOf(InfraError);
    expect(err.message).toMatch(/^forbidden: cannot patch nodes: /);
    expect(err.fix).toBe('grant the user of context "lab" RBAC verb "patch" on "nodes" (cluster-wide)');
    const namespaced = mapError(api(403), site('create', 'Eviction', 'shop', 'web-1'), target);
    expect(namespaced.fix).toBe('grant the user of context "lab" RBAC verb "create" on "pods/eviction" in namespace shop');
  });

  it('keeps the budget named by a refused eviction', () => {
    const err = mapError(api(429, { details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] } }), site('create', 'Eviction', 'shop', 'web-1'), target);
    expect(err).toBeInstanceOf(DisruptionBudgetError);
    expect((err as DisruptionBudgetError).refusal).toBe('The disruption budget web needs 2 healthy pods and has 2 currently');
  });
});
