import { describe, expect, it } from 'vitest';
import { reviewAccess } from '../../../src/kube/access-review.js';
import type { KubeClient } from '../../../src/kube/client.js';

/** A client whose apiserver records each SelfSubjectAccessReview and allows only non-resource ones. */
function recording(sent: Record<string, unknown>[]): KubeClient {
  const create = async (body: { spec: Record<string, unknown> }) => (sent.push(body.spec), { ...body, status: { allowed: 'nonResourceAttributes' in body.spec } });
  return { call: async (_s: unknown, _signal: AbortSignal, request: () => Promise<unknown>) => request(), objects: { create } } as unknown as KubeClient;
}

describe('reviewAccess', () => {
  it('asks about a resource by its attributes and about a non-resource URL by its path', async () => {
    const sent: Record<string, unknown>[] = [];
    const answers = await reviewAccess(
      recording(sent),
      [
        { verb: 'watch', group: '', resource: 'secrets', namespace: 'istio-system', why: 'a' },
        { verb: 'get', group: '', resource: '', path: '/metrics', why: 'b' },
      ],
      new AbortController().signal,
    );
    expect(sent).toEqual([
      { resourceAttributes: { verb: 'watch', group: '', resource: 'secrets', subresource: undefined, name: undefined, namespace: 'istio-system' } },
      { nonResourceAttributes: { path: '/metrics', verb: 'get' } },
    ]);
    expect(answers.map((a) => a.allowed)).toEqual([false, true]);
  });
});
