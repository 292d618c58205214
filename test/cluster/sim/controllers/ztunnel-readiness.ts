// Plays istiod's certificate authority towards ztunnel pods. kwok marks every pod Ready; a real
// ztunnel only turns Ready once its istiod issued its certificates, which an istiod refuses to a
// ServiceAccount it does not trust ("request authenticate failure"). So for each running ztunnel
// pod the simulator records the outcome in a condition of its own and, when refused, overrides
// Ready (and the container's ready flag) to False, which the DaemonSet's numberReady then shows.
// Certificates once issued stay issued (a real ztunnel keeps them for their lifetime).

import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { CERT_CONDITION, trustVerdict, type TrustVerdict } from '../mesh/ztunnel.js';
import type { World } from './world.js';

export interface PodStatusPatch {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
  status: { conditions: Partial<V1PodCondition>[]; containerStatuses?: unknown[] };
  verdict: TrustVerdict;
}

function cond(pod: V1Pod, type: string): V1PodCondition | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === type);
}

function containers(pod: V1Pod, ready: boolean): unknown[] | undefined {
  const list = pod.status?.containerStatuses;
  // containerStatuses is replaced as a whole by a patch: copy the entries, change only `ready`.
  return list && list.length > 0 ? list.map((c) => ({ ...c, ready })) : undefined;
}

function readiness(pod: V1Pod, ready: boolean, message: string, now: string): Partial<V1PodCondition>[] {
  const reason = ready ? '' : 'ContainersNotReady';
  return ['Ready', 'ContainersReady'].map((type) => ({ type, status: ready ? 'True' : 'False', reason, message, lastTransitionTime: now as unknown as Date }));
}

function patchFor(pod: V1Pod, verdict: TrustVerdict, now: string): PodStatusPatch['status'] | undefined {
  const ready = cond(pod, 'Ready')?.status === 'True';
  const cert = cond(pod, CERT_CONDITION);
  const names = (pod.spec?.containers ?? []).map((c) => c.name).join(' ');
  if (verdict.ok) {
    if (cert?.status === 'True') return undefined;
    const certCondition = { type: CERT_CONDITION, status: 'True', reason: 'CertificateIssued', message: `certificates issued by ${verdict.istiod}`, lastTransitionTime: now as unknown as Date };
    // Only undo a not-Ready that the simulator caused (kwok may simply not be done yet).
    if (!ready && cert?.status === 'False') {
      return { conditions: [certCondition, ...readiness(pod, true, '', now)], ...opt(containers(pod, true)) };
    }
    return { conditions: [certCondition] };
  }
  if (!ready && cert?.status === 'False' && cert.reason === verdict.reason && cert.message === verdict.message) return undefined;
  const certCondition = { type: CERT_CONDITION, status: 'False', reason: verdict.reason, message: verdict.message, lastTransitionTime: now as unknown as Date };
  const message = `containers with unready status: [${names}] (${verdict.message})`;
  return { conditions: [certCondition, ...readiness(pod, false, message, now)], ...opt(containers(pod, false)) };
}

function opt(containerStatuses: unknown[] | undefined): { containerStatuses?: unknown[] } {
  return containerStatuses ? { containerStatuses } : {};
}

export function ztunnelPatches(world: World, now: string): PodStatusPatch[] {
  const out: PodStatusPatch[] = [];
  for (const { pod, z } of world.ztunnels) {
    if (!z.running || z.terminating || !z.node) continue;
    const verdict: TrustVerdict = z.certIssued ? { ok: true, istiod: 'kept' } : trustVerdict(z, world.controlPlane, world.services);
    const status = patchFor(pod, verdict, now);
    if (status) out.push({ namespace: z.namespace, name: z.name, resourceVersion: pod.metadata?.resourceVersion, status, verdict });
  }
  return out;
}
