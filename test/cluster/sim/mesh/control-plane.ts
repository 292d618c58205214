// The istiods of the cluster as the data plane sees them: which revision each serves, whether it
// is Ready, whether ambient is on, which ztunnel ServiceAccounts it issues certificates to, and
// where revision tags point. Built from Deployments labelled app=istiod and the tag Services.

import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { ControllerVerdict } from '../gateway/gateway-status.js';

export interface Istiod {
  key: string;
  name: string;
  namespace: string;
  revision: string;
  ready: boolean;
  ambient: boolean;
  trustedRaw: string;
  trusted: Set<string>;
  createdMs: number;
}

export interface ControlPlane {
  istiods: Istiod[];
  /** tag name -> revision, from Services labelled istio.io/tag. */
  tags: Map<string, string>;
}

function discoveryEnv(d: V1Deployment): Map<string, string> {
  const containers = d.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === 'discovery') ?? containers[0];
  const env = new Map<string, string>();
  // Later entries win, as the kubelet resolves duplicate names.
  for (const e of c?.env ?? []) if (e.value !== undefined) env.set(e.name, e.value);
  return env;
}

export function toIstiod(d: V1Deployment): Istiod {
  const env = discoveryEnv(d);
  const trustedRaw = env.get('CA_TRUSTED_NODE_ACCOUNTS') ?? '';
  const namespace = d.metadata?.namespace ?? '';
  const name = d.metadata?.name ?? '';
  return {
    key: `${namespace}/${name}`,
    name,
    namespace,
    revision: d.metadata?.labels?.['istio.io/rev'] ?? 'default',
    ready: (d.status?.readyReplicas ?? 0) > 0,
    ambient: env.get('PILOT_ENABLE_AMBIENT') === 'true',
    trustedRaw,
    trusted: new Set(trustedRaw.split(',').map((s) => s.trim()).filter(Boolean)),
    createdMs: d.metadata?.creationTimestamp ? new Date(d.metadata.creationTimestamp).getTime() : 0,
  };
}

export function buildControlPlane(deployments: V1Deployment[], services: V1Service[]): ControlPlane {
  const istiods = deployments.filter((d) => d.metadata?.labels?.['app'] === 'istiod').map(toIstiod);
  // Oldest first: the "any Ready istiod" fallback then picks the control plane installed first.
  istiods.sort((a, b) => a.createdMs - b.createdMs || (a.key < b.key ? -1 : 1));
  const tags = new Map<string, string>();
  for (const s of services) {
    const tag = s.metadata?.labels?.['istio.io/tag'];
    const rev = s.metadata?.labels?.['istio.io/rev'];
    if (tag && rev) tags.set(tag, rev);
  }
  return { istiods, tags };
}

/** The istiods serving a revision name or a tag; Ready ones first. */
export function istiodsFor(cp: ControlPlane, revOrTag: string): Istiod[] {
  let found = cp.istiods.filter((i) => i.revision === revOrTag);
  const tagged = cp.tags.get(revOrTag);
  if (found.length === 0 && tagged) found = cp.istiods.filter((i) => i.revision === tagged);
  return [...found].sort((a, b) => Number(b.ready) - Number(a.ready));
}

function verdictFor(candidates: Istiod[], wanted: string): ControllerVerdict {
  const ready = candidates.find((i) => i.ready);
  if (ready) return { ok: true, istiod: ready.key };
  if (candidates.length > 0) return { ok: false, reason: 'Pending', message: `istiod for ${wanted} (${candidates[0]!.key}) is not Ready` };
  return { ok: false, reason: 'Pending', message: `no istiod for ${wanted}` };
}

/**
 * Which istiod programs a Gateway: the one of its istio.io/rev label (a revision or a tag);
 * without the label the default tag's, else the revisionless istiod, else the oldest Ready istiod
 * (those in istio-system first).
 */
export function gatewayController(cp: ControlPlane, labels: Record<string, string> | undefined): ControllerVerdict {
  const rev = labels?.['istio.io/rev'];
  if (rev) return verdictFor(istiodsFor(cp, rev), `revision ${rev}`);
  const byDefault = istiodsFor(cp, 'default');
  if (byDefault.some((i) => i.ready)) return verdictFor(byDefault, 'the default revision');
  // Control planes in istio-system come first (tests run throw-away istiods elsewhere).
  const any = cp.istiods.filter((i) => i.ready).sort((a, b) => Number(b.namespace === 'istio-system') - Number(a.namespace === 'istio-system'));
  if (any.length > 0) return { ok: true, istiod: any[0]!.key };
  return verdictFor(byDefault, 'the default revision');
}

/**
 * The istiod behind an address like "istiod-1-30-3.istio-system.svc:15012" (ztunnel's
 * CA_ADDRESS): the Deployment of that name, or the one the named Service (a tag Service) selects.
 */
export function istiodForAddress(cp: ControlPlane, address: string, services: Map<string, V1Service>): Istiod | undefined {
  const [host] = address.split(':');
  const [name, namespace = 'istio-system'] = (host ?? '').split('.');
  const direct = cp.istiods.find((i) => i.name === name && i.namespace === namespace);
  if (direct) return direct;
  const svc = services.get(`${namespace}/${name}`);
  const rev = svc?.spec?.selector?.['istio.io/rev'];
  if (rev) return istiodsFor(cp, rev).find((i) => i.namespace === namespace);
  return undefined;
}
