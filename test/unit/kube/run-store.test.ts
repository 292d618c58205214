import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/conflict.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { ConfigMapRunStore } from '../../../src/kube/run-store.js';
import { startedRecord } from '../../support/run-record.js';

/**
 * An apiserver whose answer to a write can be lost: the write is stored, the connection
 * breaks, and the client's retry of the same replace meets the resourceVersion its own
 * write moved on (409), as `call` retries a reset connection.
 */
function store(): { client: KubeClient; loseNextAnswer: () => void; writes: () => number } {
  let stored: V1ConfigMap | undefined;
  let version = 0;
  let lose = false;
  let writes = 0;
  const put = (body: V1ConfigMap): V1ConfigMap => {
    writes++;
    stored = JSON.parse(JSON.stringify({ ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } })) as V1ConfigMap;
    return stored;
  };
  const client = {
    target: { context: 'test', server: 'https://127.0.0.1:6443' },
    core: {
      createNamespacedConfigMap: ({ body }: { body: V1ConfigMap }) => Promise.resolve(put(body)),
      readNamespacedConfigMap: () => Promise.resolve(JSON.parse(JSON.stringify(stored)) as V1ConfigMap),
      replaceNamespacedConfigMap: ({ body }: { body: V1ConfigMap }) => {
        if (body.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) return Promise.reject(new ConflictError('ConfigMap changed since it was read'));
        const answer = put(body);
        if (!lose) return Promise.resolve(answer);
        lose = false;
        // Stored, answer lost; the retry is refused: the resourceVersion moved on.
        return Promise.reject(new ConflictError('ConfigMap changed since it was read'));
      },
    },
    call: <T>(_site: unknown, _signal: AbortSignal, request: () => Promise<T>): Promise<T> => request(),
  } as unknown as KubeClient;
  return { client, loseNextAnswer: () => void (lose = true), writes: () => writes };
}

describe('Given a run record save whose answer is lost and whose retry meets its own write', () => {
  const never = new AbortController().signal;

  it('the save succeeds with what is stored (the caller must not apply its change twice)', async () => {
    const s = store();
    const runs = new ConfigMapRunStore(s.client, { namespace: 'istio-system', writer: 'ambient-canary/test' });
    const first = await runs.create(startedRecord('r1'), never);
    const next = { ...first.record, weight: 10, updatedAt: '2026-01-01T00:01:00.000Z' };
    s.loseNextAnswer();
    const saved = await runs.save(first, next, never);
    expect(saved.record).toEqual(JSON.parse(JSON.stringify(next)));
    expect(saved.version).toBe('2');
    expect(s.writes()).toBe(2);
  });

  it('a conflict with another writer is still a conflict', async () => {
    const s = store();
    const runs = new ConfigMapRunStore(s.client, { namespace: 'istio-system', writer: 'ambient-canary/test' });
    const first = await runs.create(startedRecord('r1'), never);
    const theirs = await runs.save(first, { ...first.record, weight: 50, updatedAt: '2026-01-01T00:02:00.000Z' }, never);
    expect(theirs.version).toBe('2');
    await expect(runs.save(first, { ...first.record, weight: 10, updatedAt: '2026-01-01T00:01:00.000Z' }, never)).rejects.toBeInstanceOf(ConflictError);
  });
});
