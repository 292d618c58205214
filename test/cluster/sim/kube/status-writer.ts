// Writes status subresources: merge patches for Gateway API objects (custom resources refuse
// strategic merge) and a strategic merge patch for pods (conditions merge by type). One write
// per object at a time; a newer desired status waiting behind it replaces older ones.

import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';

type Job = () => Promise<unknown>;

const GROUP = 'gateway.networking.k8s.io';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export class StatusWriter {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly running = new Set<string>();
  private readonly waiting = new Map<string, Job>();

  constructor(
    kc: KubeConfig,
    private readonly log: (line: string) => void,
    /** Called after a failed write so the reconciler tries again. */
    private readonly retry: () => void,
  ) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  gatewayClass(name: string, status: unknown): void {
    this.enqueue(`gatewayclass/${name}`, () =>
      this.custom.patchClusterCustomObjectStatus({ group: GROUP, version: 'v1', plural: 'gatewayclasses', name, body: { status } }, merge),
    );
  }

  gateway(namespace: string, name: string, status: unknown): void {
    this.enqueue(`gateway/${namespace}/${name}`, () =>
      this.custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: 'v1', plural: 'gateways', namespace, name, body: { status } }, merge),
    );
  }

  httpRoute(namespace: string, name: string, status: unknown): void {
    this.enqueue(`httproute/${namespace}/${name}`, () =>
      this.custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: 'v1', plural: 'httproutes', namespace, name, body: { status } }, merge),
    );
  }

  podStatus(namespace: string, name: string, status: unknown): void {
    this.enqueue(`pod/${namespace}/${name}`, () => this.core.patchNamespacedPodStatus({ namespace, name, body: { status } }, strategic));
  }

  /** Whether a write for this object is still on its way (its watch event has not come back). */
  busy(key: string): boolean {
    return this.running.has(key) || this.waiting.has(key);
  }

  private enqueue(key: string, job: Job): void {
    if (this.running.has(key)) {
      this.waiting.set(key, job);
      return;
    }
    this.running.add(key);
    void this.run(key, job);
  }

  private async run(key: string, job: Job): Promise<void> {
    try {
      await job();
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404) {
        this.log(`status write ${key} failed: ${code ?? ''} ${(err as Error).message?.split('\n')[0] ?? err}`);
        setTimeout(this.retry, 1000).unref();
      }
    }
    const next = this.waiting.get(key);
    this.waiting.delete(key);
    if (next) void this.run(key, next);
    else this.running.delete(key);
  }
}
