// Plays the kubelet for ztunnel pods, because a real ztunnel's readiness depends on istiod: it
// turns Ready only once its istiod has issued its certificates, which istiod refuses to a
// ServiceAccount it does not trust ("request authenticate failure", istio/istio#55488). kwok's
// pod-ready stage leaves pods labelled app=ztunnel alone (scripts/kwok-config.sh), so once the
// scheduler has bound one, the simulator writes its status: Running, and Ready only if trusted.
// A refused pod turns Ready once its istiod trusts it (e.g. helm upgrade with
// trustedZtunnelName). Certificates once issued stay issued (a real ztunnel keeps them for
// their lifetime), so a ztunnel stays Ready when its istiod goes away later.

import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { CERT_CONDITION, trustVerdict, type TrustVerdict } from '../mesh/ztunnel.js';
import type { World } from './world.js';

type Status = { phase?: string; startTime?: string; conditions: Partial<V1PodCondition>[]; containerStatuses: unknown[] };

export interface ZtunnelAction {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
  status: Status;
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

function readiness(pod: V1Pod, verdict: TrustVerdict, now: string): Partial<V1PodCondition>[] {
  const names = (pod.spec?.containers ?? []).map((c) => c.name).join(' ');
  const message = verdict.ok ? '' : `containers with unready status: [${names}] (${verdict.message})`;
  return ['Ready', 'ContainersReady'].map((type) => ({
    type,
    status: verdict.ok ? 'True' : 'False',
    reason: verdict.ok ? '' : 'ContainersNotReady',
    message,
    lastTransitionTime: t(now),
  }));
}

/** Running containers, as a kubelet reports them; their start time is kept across rewrites. */
function containers(pod: V1Pod, ready: boolean, now: string): unknown[] {
  const started = new Map((pod.status?.containerStatuses ?? []).map((c) => [c.name, c.state?.running?.startedAt]));
  return (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: started.get(c.name) ?? now } },
  }));
}

function desired(pod: V1Pod, verdict: TrustVerdict, now: string): Status | undefined {
  const running = pod.status?.phase === 'Running';
  const ready = cond(pod, 'Ready')?.status === 'True';
  const cert = cond(pod, CERT_CONDITION);
  const settled = verdict.ok ? cert?.status === 'True' && ready : cert?.status === 'False' && !ready && cert.message === verdict.message;
  if (running && settled) return undefined;
  const conditions = [certCondition(verdict, now), ...readiness(pod, verdict, now)];
  if (running) return { conditions, containerStatuses: containers(pod, verdict.ok, now) };
  const initialized = { type: 'Initialized', status: 'True', lastTransitionTime: t(now) };
  return { phase: 'Running', startTime: now, conditions: [...conditions, initialized], containerStatuses: containers(pod, verdict.ok, now) };
}

export function ztunnelActions(world: World, now: string): ZtunnelAction[] {
  const out: ZtunnelAction[] = [];
  for (const { pod, z } of world.ztunnels) {
    // Not bound yet (the scheduler decides first), or on its way out (kwok deletes it).
    if (z.terminating || !z.node) continue;
    const verdict: TrustVerdict = z.certIssued ? { ok: true, istiod: 'kept' } : trustVerdict(z, world.controlPlane, world.services);
    const status = desired(pod, verdict, now);
    if (status) out.push({ namespace: z.namespace, name: z.name, resourceVersion: pod.metadata?.resourceVersion, status, verdict });
  }
  return out;
}
