import type { KubernetesObject } from '@kubernetes/client-node';
import type { AccessAnswer, AccessRequirement } from '../mesh/access.js';
import type { KubeClient } from './client.js';
import { site } from './errors.js';

const API_VERSION = 'authorization.k8s.io/v1';
/** Reviews in flight at once: enough to finish ~90 quickly, few enough not to flood an apiserver. */
const CONCURRENCY = 16;

interface ReviewObject extends KubernetesObject {
  spec: { resourceAttributes?: Record<string, string | undefined>; nonResourceAttributes?: { path: string; verb: string } };
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/**
 * Asks the apiserver whether the current user may do each thing, one SelfSubjectAccessReview
 * per (verb, resource, namespace) or non-resource URL, as `kubectl auth can-i` does. Any authenticated user may
 * create these (the system:basic-user role), so a refusal here means the credentials
 * themselves are wrong. Written through the generic object API: nothing is stored.
 */
export async function reviewAccess(client: KubeClient, requirements: readonly AccessRequirement[], signal: AbortSignal): Promise<AccessAnswer[]> {
  const answers: AccessAnswer[] = new Array<AccessAnswer>(requirements.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requirements.length) {
      const i = next++;
      answers[i] = await review(client, requirements[i] as AccessRequirement, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requirements.length) }, worker));
  return answers;
}

async function review(client: KubeClient, r: AccessRequirement, signal: AbortSignal): Promise<AccessAnswer> {
  const body: ReviewObject = {
    apiVersion: API_VERSION,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec:
      r.path !== undefined
        ? { nonResourceAttributes: { path: r.path, verb: r.verb } }
        : { resourceAttributes: { verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource, name: r.name, namespace: r.namespace } },
  };
  const s = site('create', 'SelfSubjectAccessReview', undefined, undefined, API_VERSION);
  const answered = await client.call(s, signal, () => client.objects.create<ReviewObject>(body));
  const status = answered.status ?? {};
  const reason = status.reason || status.evaluationError || undefined;
  return { ...r, allowed: status.allowed === true && status.denied !== true, reason };
}
