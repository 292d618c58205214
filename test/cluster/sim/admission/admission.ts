// istiod's admission webhooks for every installed revision: the egress proxy the apiserver
// reaches them through, the webhook server behind it, and what each istiod knows when it
// answers, read from the informer caches: its ConfigMaps istio-sidecar-injector-<rev>
// (config, values) and istio-<rev> (mesh), named as getInjectorConfigMapName and
// getMeshConfigMapName (pilot/pkg/bootstrap) name them, its ENABLE_NATIVE_SIDECARS, the nodes'
// kubelet versions.

import type { Caches } from '../kube/informers.js';
import { parseInjectorConfig, parseInjectorValues } from '../mesh/injection.js';
import { CertificateAuthority } from './ca.js';
import { istiodEnv, resolveConnect, type IstiodTarget } from './connect-target.js';
import { EgressProxy } from './egress-proxy.js';
import type { IstiodView } from './review.js';
import { parseMeshDefaults } from './sidecar-template.js';
import { WebhookServer } from './webhook-server.js';

const revisioned = (base: string, rev: string) => (rev === '' || rev === 'default' ? base : `${base}-${rev}`);

export function istiodView(caches: Caches, target: IstiodTarget): IstiodView {
  const cms = caches.list('configmaps').filter((c) => c.metadata?.namespace === target.namespace);
  const data = (name: string) => cms.find((c) => c.metadata?.name === name)?.data;
  const injector = data(revisioned('istio-sidecar-injector', target.revision));
  const nodes = new Map(caches.list('nodes').map((n) => [n.metadata?.name ?? '', n.status?.nodeInfo?.kubeletVersion ?? '']));
  return {
    revision: target.revision,
    injector: injector ? { config: parseInjectorConfig(injector['config']), values: parseInjectorValues(injector['values']) } : undefined,
    mesh: parseMeshDefaults(data(revisioned('istio', target.revision))?.['mesh']),
    nativeMode: istiodEnv(target.deployment, 'ENABLE_NATIVE_SIDECARS'),
    nodes,
  };
}

export class Admission {
  private constructor(
    readonly ca: CertificateAuthority,
    private readonly proxy: EgressProxy,
    private readonly server: WebhookServer,
  ) {}

  static async start(caches: Caches, runDir: string, socketPath: string, log: (line: string) => void): Promise<Admission> {
    const ca = await CertificateAuthority.open(runDir, log);
    const resolve = (connect: string) => resolveConnect(connect, caches.list('services'), caches.list('deployments'));
    const server = new WebhookServer({ ca, resolve, view: (t) => istiodView(caches, t) });
    const proxy = new EgressProxy(socketPath, { resolve, accept: (s, c, t) => server.accept(s, c, t), log });
    await proxy.listen();
    return new Admission(ca, proxy, server);
  }

  /** After a change in the caches: drop tunnels to istiods that went away or are not Ready. */
  changed(): void {
    // At once, not debounced: once the cache says an istiod is gone no request may reach it over
    // a tunnel opened before (a handful of tunnels; cheap).
    this.server.sweep();
  }

  async close(): Promise<void> {
    this.server.close();
    await this.proxy.close();
  }
}
