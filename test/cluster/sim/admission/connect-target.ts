// What a CONNECT from kube-apiserver's egress selector asks for, and which istiod answers it.
// The apiserver resolves a webhook's Service itself (its ClusterIP service resolver,
// cmd/kube-apiserver/app/server.go buildServiceResolver, k8s.io/apiserver/pkg/util/proxy
// ResolveCluster) and asks the proxy for `<clusterIP>:<port>`; a `<svc>.<ns>.svc[.cluster.local]`
// name is accepted too. A Service port maps to its targetPort on the pods the selector picks;
// only istiod's webhook port (15017, "https-webhooks" in the chart's deployment.yaml) is served.
// Nothing here dials anything: the simulator answers as that istiod. Pure.

import { isIP } from 'node:net';
import type { V1Deployment, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { labelsMatch } from '../model/selectors.js';

export const WEBHOOK_PORT = 15017;

export interface Authority {
  host: string;
  port: number;
}

export interface IstiodTarget {
  ok: true;
  /** namespace/name of the Service asked for. */
  service: string;
  deployment: V1Deployment;
  namespace: string;
  revision: string;
  /** getDNSNames (pilot/pkg/bootstrap/server.go): the SANs of istiod's serving certificate. */
  dnsNames: string[];
}

export type ConnectTarget = IstiodTarget | { ok: false; status: number; reason: string };

/** `host:port`, `[v6]:port`; undefined when the port is missing or not a number. */
export function parseAuthority(target: string): Authority | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(target.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port };
}

const SERVICE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/;

/** The Service a host names: a ClusterIP of one, or its DNS name. */
export function serviceFor(host: string, services: V1Service[]): V1Service | { error: string } | undefined {
  if (isIP(host)) return services.find((s) => s.spec?.clusterIP === host || (s.spec?.clusterIPs ?? []).includes(host));
  const m = SERVICE_NAME.exec(host);
  if (!m) return { error: `${host} is not a Service of this cluster` };
  return services.find((s) => s.metadata?.name === m[1] && s.metadata?.namespace === m[3]);
}

/** An env value of istiod's discovery container (the last one of that name wins, as for the kubelet). */
export function istiodEnv(d: V1Deployment, name: string): string | undefined {
  const containers = d.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === 'discovery') ?? containers[0];
  return c?.env?.filter((e) => e.name === name).at(-1)?.value;
}

export function istiodRevision(d: V1Deployment): string {
  return istiodEnv(d, 'REVISION') || d.metadata?.labels?.['istio.io/rev'] || 'default';
}

export function istiodDnsNames(d: V1Deployment): string[] {
  const ns = d.metadata?.namespace ?? '';
  const rev = istiodRevision(d);
  const known = ['istiod', 'istiod-remote', 'istio-pilot', ...(rev !== 'default' ? [`istiod-${rev}`] : [])].map((h) => `${h}.${ns}.svc`);
  const custom = (istiodEnv(d, 'ISTIOD_CUSTOM_HOST') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return [...new Set([...custom, ...known])].sort();
}

/** targetPort as a number: a name is looked up among the istiod container's ports. */
function targetPort(port: V1ServicePort, d: V1Deployment): number | undefined {
  const tp = port.targetPort ?? port.port;
  if (typeof tp === 'number' || /^\d+$/.test(String(tp))) return Number(tp);
  const ports = (d.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  return ports.find((p) => p.name === tp)?.containerPort;
}

const refuse = (status: number, reason: string): ConnectTarget => ({ ok: false, status, reason });

/**
 * Which istiod a CONNECT reaches: 403 for anything that is not an istiod's webhook port (the
 * simulator serves nothing else), 404 for a Service or port that does not exist, 503 when no
 * istiod behind the Service is Ready (readyReplicas 0, or none at all): a real apiserver's call
 * then fails to connect, and failurePolicy decides.
 */
export function resolveConnect(target: string, services: V1Service[], deployments: V1Deployment[]): ConnectTarget {
  const authority = parseAuthority(target);
  if (!authority) return refuse(400, `bad CONNECT target ${JSON.stringify(target)}`);
  const svc = serviceFor(authority.host, services);
  if (svc && 'error' in svc) return refuse(403, svc.error);
  if (!svc) return refuse(404, `no Service at ${authority.host}`);
  const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  const port = (svc.spec?.ports ?? []).find((p) => p.port === authority.port);
  if (!port) return refuse(404, `Service ${key} has no port ${authority.port}`);
  const selector = svc.spec?.selector;
  const backing = deployments.filter(
    (d) => d.metadata?.namespace === svc.metadata?.namespace && d.metadata?.labels?.['app'] === 'istiod' && selector && Object.keys(selector).length > 0
      && labelsMatch(selector, d.spec?.template?.metadata?.labels),
  );
  if (backing.length === 0) return refuse(svc.spec?.selector?.['app'] === 'istiod' ? 503 : 403, `no istiod behind Service ${key}`);
  const ready = backing.filter((d) => (d.status?.readyReplicas ?? 0) > 0).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const chosen = ready[0] ?? backing[0]!;
  if (targetPort(port, chosen) !== WEBHOOK_PORT) return refuse(403, `Service ${key} port ${authority.port} is not istiod's webhook port ${WEBHOOK_PORT}`);
  if (!ready[0]) return refuse(503, `no Ready istiod behind Service ${key} (${chosen.metadata?.name} has 0 ready replicas)`);
  const namespace = chosen.metadata?.namespace ?? '';
  return { ok: true, service: key, deployment: chosen, namespace, revision: istiodRevision(chosen), dnsNames: istiodDnsNames(chosen) };
}
