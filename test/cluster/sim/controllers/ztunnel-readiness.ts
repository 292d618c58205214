// Plays istiod's certificate authority towards ztunnel pods. A real ztunnel turns Ready only once
// its istiod issued its certificates, which istiod refuses to a ServiceAccount it does not trust
// ("request authenticate failure"). kwok would mark every pod Ready, so the ztunnel chart gives
// its pods a scheduling gate, and the simulator decides before lifting it:
//  - trusted: lift the gate; the scheduler binds the pod and kwok makes it Running and Ready;
//  - refused: first write the status of a running, not Ready ztunnel (kwok only starts Pending
//    pods, so it never overrides it), then lift the gate; DaemonSet numberReady shows it.
// A refused pod turns Ready once its istiod trusts it (e.g. helm upgrade with trustedZtunnelName).
// Pods without the gate (kwok got there first) are overridden after the fact. Certificates once
// issued stay issued (a real ztunnel keeps them for their lifetime).

import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { CERT_CONDITION, CERT_GATE, trustVerdict, type TrustVerdict } from '../mesh/ztunnel.js';
import type { World } from './world.js';

type Status = { phase?: string; conditions: Partial<V1PodCondition>[]; containerStatuses?: unknown[] };

export interface ZtunnelAction {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
  /** Written first. */
  status?: Status;
  /** Then the pod's scheduling gates are replaced by these (ours removed). */
  ungate?: { name: string }[];
  verdict: TrustVerdict;
}

const t = (now: string) => now as unknown as Date;

function cond(pod: V1Pod, type: string): V1PodCondition | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === type);
}

function certCondition(verdict: TrustVerdict, now: string): Partial<V1PodCondition> {
  return verdict.ok
    ? { type: CERT_CONDITION, status: 'True', reason: 'CertificateIssued', message: `certificates issued by ${verdict.istiod}`, lastTransitionTime: t(now) }
    : { type: CERT_CONDITION, status: 'False', reason: verdict.reason, message: verdict.message, lastTransitionTime: t(now) };
}

function readiness(ready: boolean, message: string, now: string): Partial<V1PodCondition>[] {
  return ['Ready', 'ContainersReady'].map((type) => ({ type, status: ready ? 'True' : 'False', reason: ready ? '' : 'ContainersNotReady', message, lastTransitionTime: t(now) }));
}

function unready(pod: V1Pod, verdict: TrustVerdict & { ok: false }): string {
  return `containers with unready status: [${(pod.spec?.containers ?? []).map((c) => c.name).join(' ')}] (${verdict.message})`;
}

/** containerStatuses is replaced as a whole by a patch: keep kwok's entries, or make running ones. */
function containers(pod: V1Pod, ready: boolean, now: string): unknown[] {
  const current = pod.status?.containerStatuses;
  if (current && current.length > 0) return current.map((c) => ({ ...c, ready }));
  return (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image, imageID: '', ready, restartCount: 0, started: true, state: { running: { startedAt: now } } }));
}

function forGated(pod: V1Pod, verdict: TrustVerdict, now: string): Pick<ZtunnelAction, 'status' | 'ungate'> {
  const ungate = (pod.spec?.schedulingGates ?? []).filter((g) => g.name !== CERT_GATE);
  if (verdict.ok) return { ungate };
  const conditions = [certCondition(verdict, now), { type: 'Initialized', status: 'True', lastTransitionTime: t(now) }, ...readiness(false, unready(pod, verdict), now)];
  return { status: { phase: 'Running', conditions, containerStatuses: containers(pod, false, now) }, ungate };
}

function forRunning(pod: V1Pod, verdict: TrustVerdict, now: string): Status | undefined {
  const ready = cond(pod, 'Ready')?.status === 'True';
  const cert = cond(pod, CERT_CONDITION);
  if (verdict.ok) {
    if (cert?.status === 'True') return undefined;
    // Only undo a not-Ready the simulator caused (kwok may simply not be done with the pod).
    if (!ready && cert?.status === 'False') return { conditions: [certCondition(verdict, now), ...readiness(true, '', now)], containerStatuses: containers(pod, true, now) };
    return { conditions: [certCondition(verdict, now)] };
  }
  if (!ready && cert?.status === 'False' && cert.reason === verdict.reason && cert.message === verdict.message) return undefined;
  return { conditions: [certCondition(verdict, now), ...readiness(false, unready(pod, verdict), now)], containerStatuses: containers(pod, false, now) };
}

export function ztunnelActions(world: World, now: string): ZtunnelAction[] {
  const out: ZtunnelAction[] = [];
  for (const { pod, z } of world.ztunnels) {
    if (z.terminating) continue;
    const base = { namespace: z.namespace, name: z.name, resourceVersion: pod.metadata?.resourceVersion };
    if (z.gated) {
      const verdict = trustVerdict(z, world.controlPlane, world.services);
      out.push({ ...base, verdict, ...forGated(pod, verdict, now) });
      continue;
    }
    if (!z.running || !z.node) continue;
    const verdict: TrustVerdict = z.certIssued ? { ok: true, istiod: 'kept' } : trustVerdict(z, world.controlPlane, world.services);
    const status = forRunning(pod, verdict, now);
    if (status) out.push({ ...base, verdict, status });
  }
  return out;
}
