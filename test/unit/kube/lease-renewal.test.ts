import type { V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/domain/conflict.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { LeaseRunLock } from '../../../src/kube/lease-lock.js';

/** A client whose Lease reads can be made to hang, as an apiserver that accepts connections and never answers. */
function hangingClient(): { client: KubeClient; hang: () => void } {
  let stored: V1Lease | undefined;
  let hanging = false;
  const answer = <T>(value: () => T): Promise<T> => (hanging ? new Promise<T>(() => undefined) : Promise.resolve().then(value));
  const client = {
    target: { context: 'test', server: 'https://127.0.0.1:6443' },
    coordination: {
      readNamespacedLease: () =>
        answer(() => {
          if (!stored) throw new NotFoundError('Lease not found');
          return stored;
        }),
      createNamespacedLease: ({ body }: { body: V1Lease }) => answer(() => (stored = { ...body, metadata: { ...body.metadata, resourceVersion: '1' } })),
      replaceNamespacedLease: ({ body }: { body: V1Lease }) => answer(() => (stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(Number(body.metadata?.resourceVersion ?? 0) + 1) } })),
    },
    // Like the real `call`: the request is abandoned when the signal aborts.
    call: <T>(_site: unknown, signal: AbortSignal, request: () => Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        request().then(resolve, reject);
      }),
  } as unknown as KubeClient;
  return { client, hang: () => void (hanging = true) };
}

describe('Given a held lease whose apiserver stops answering', () => {
  it('the run learns it lost the lock when the claim runs out, not whenever the hanging renewal gives up', async () => {
    const { client, hang } = hangingClient();
    const held = await new LeaseRunLock(client, { namespace: 'istio-system', durationSeconds: 1, renewEveryMs: 100 }).acquire('me', new AbortController().signal);
    hang();
    const started = Date.now();
    await new Promise<void>((resolve) => {
      if (held.lost.aborted) return resolve();
      held.lost.addEventListener('abort', () => resolve(), { once: true });
      setTimeout(resolve, 3000);
    });
    expect(held.lost.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(String((held.lost.reason as Error).message)).toMatch(/could not be renewed for 1s/);
    await held.release();
  });
});
