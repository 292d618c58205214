import { escapeRegExp, record, type Json } from './json.js';
import type { KubeObject } from '../domain/kube-object.js';
import { REV } from '../mesh/labels.js';

/**
 * References to the application's own namespace inside a copied object, rewritten to the
 * canary namespace where they mean "this application" (issue 13), and left alone where they
 * name another namespace. Pure; works on the copy in place and says what it changed, so the
 * plan can list every rewrite. Sources of each field: Istio's security and networking API
 * references (istio.io/latest/docs/reference/config/), Kubernetes' RBAC and NetworkPolicy.
 */

export interface Namespaces {
  readonly stable: string;
  readonly canary: string;
  /** The new revision: a copied waypoint is deployed and programmed by its istiod. */
  readonly toRevision: string;
}


const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const records = (v: unknown): Json[] => list(v).flatMap((x) => (record(x) ? [record(x) as Json] : []));

export const WAYPOINT_CLASS = 'istio-waypoint';
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

class Rewriter {
  readonly changes: string[] = [];
  constructor(readonly ns: Namespaces) {}

  /** A field holding a namespace name. */
  namespace(holder: Json | undefined, key: string, where: string): void {
    if (holder?.[key] === this.ns.stable) this.set(holder, key, this.ns.canary, where);
  }

  /** A field holding a list of namespace names. */
  namespaces(holder: Json | undefined, key: string, where: string): void {
    this.eachString(holder, key, where, (s) => (s === this.ns.stable ? this.ns.canary : s));
  }

  /** SPIFFE-style principals, `<trust domain>/ns/<namespace>/sa/<account>` (wildcards allowed). */
  principals(holder: Json | undefined, key: string, where: string): void {
    const segment = `/ns/${this.ns.stable}/`;
    this.eachString(holder, key, where, (s) => (s.includes(segment) ? s.replace(segment, `/ns/${this.ns.canary}/`) : s));
  }

  /** DNS names of Services: `<svc>.<stable>` with or without `.svc[.<cluster domain>]`. */
  hosts(holder: Json | undefined, key: string, where: string): void {
    this.eachString(holder, key, where, (s) => this.host(s));
  }

  host(s: string): string {
    const parts = s.split('.');
    const svc = parts.indexOf('svc');
    const nsAt = svc === -1 ? (parts.length === 2 ? 1 : -1) : svc - 1;
    if (nsAt !== 1 || parts[nsAt] !== this.ns.stable) return s;
    return [parts[0], this.ns.canary, ...parts.slice(2)].join('.');
  }

  private eachString(holder: Json | undefined, key: string, where: string, f: (s: string) => string): void {
    const values = holder?.[key];
    if (!holder || !Array.isArray(values)) return;
    const next = values.map((v) => (typeof v === 'string' ? f(v) : v));
    next.forEach((v, i) => {
      if (v !== values[i]) this.changes.push(`${where}.${key}: ${String(values[i])} → ${String(v)}`);
    });
    holder[key] = next;
  }

  set(holder: Json, key: string, value: unknown, where: string): void {
    this.changes.push(`${where}.${key}: ${String(holder[key] ?? '(none)')} → ${String(value)}`);
    holder[key] = value;
  }
}

/** An Istio or PDB `selector.matchLabels` on istio.io/rev would select none of the canary pods (they carry none). */
function dropRevisionSelector(spec: Json | undefined, r: Rewriter): void {
  const labels = record(record(spec?.['selector'])?.['matchLabels']);
  if (labels && REV in labels) {
    r.changes.push(`spec.selector.matchLabels: ${REV} dropped (the canary pods carry none)`);
    delete labels[REV];
  }
}

function authorizationPolicy(spec: Json, r: Rewriter): void {
  records(spec['rules']).forEach((rule, i) => {
    records(rule['from']).forEach((from, j) => {
      const source = record(from['source']);
      const at = `spec.rules[${i}].from[${j}].source`;
      r.namespaces(source, 'namespaces', at);
      r.namespaces(source, 'notNamespaces', at);
      r.principals(source, 'principals', at);
      r.principals(source, 'notPrincipals', at);
    });
    records(rule['when']).forEach((when, j) => {
      const at = `spec.rules[${i}].when[${j}]`;
      if (when['key'] === 'source.namespace') (r.namespaces(when, 'values', at), r.namespaces(when, 'notValues', at));
      if (when['key'] === 'source.principal') (r.principals(when, 'values', at), r.principals(when, 'notValues', at));
    });
  });
  targetRefs(spec, r);
}

function targetRefs(spec: Json, r: Rewriter): void {
  records(spec['targetRefs']).forEach((ref, i) => r.namespace(ref, 'namespace', `spec.targetRefs[${i}]`));
  r.namespace(record(spec['targetRef']), 'namespace', 'spec.targetRef');
}

function roleBinding(obj: KubeObject, r: Rewriter): void {
  records(obj['subjects']).forEach((s, i) => {
    if (s['kind'] === 'ServiceAccount') r.namespace(s, 'namespace', `subjects[${i}]`);
  });
}

function networkPolicy(spec: Json, r: Rewriter): void {
  const peers = [...records(spec['ingress']).map((rule, i) => ['ingress', i, records(rule['from'])] as const), ...records(spec['egress']).map((rule, i) => ['egress', i, records(rule['to'])] as const)];
  for (const [dir, i, list] of peers) {
    list.forEach((peer, j) => {
      const selector = record(peer['namespaceSelector']);
      const at = `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${j}].namespaceSelector`;
      r.namespace(record(selector?.['matchLabels']), NAMESPACE_NAME_LABEL, `${at}.matchLabels`);
      records(selector?.['matchExpressions']).forEach((e, k) => {
        if (e['key'] === NAMESPACE_NAME_LABEL) r.namespaces(e, 'values', `${at}.matchExpressions[${k}]`);
      });
    });
  }
}

function sidecar(spec: Json, r: Rewriter): void {
  records(spec['egress']).forEach((e, i) => {
    const hosts = e['hosts'];
    if (!Array.isArray(hosts)) return;
    const prefix = `${r.ns.stable}/`;
    const next = hosts.map((h) => (typeof h === 'string' && h.startsWith(prefix) ? `${r.ns.canary}/${h.slice(prefix.length)}` : h));
    next.forEach((h, k) => {
      if (h !== hosts[k]) r.changes.push(`spec.egress[${i}].hosts: ${String(hosts[k])} → ${String(h)}`);
    });
    e['hosts'] = next;
  });
}

function destinationRule(spec: Json, r: Rewriter): void {
  if (typeof spec['host'] === 'string' && r.host(spec['host']) !== spec['host']) r.set(spec, 'host', r.host(spec['host']), 'spec');
}

function virtualService(spec: Json, r: Rewriter): void {
  r.hosts(spec, 'hosts', 'spec');
  for (const proto of ['http', 'tcp', 'tls'] as const) {
    records(spec[proto]).forEach((route, i) => {
      records(route['route']).forEach((dest, j) => {
        const d = record(dest['destination']);
        if (d && typeof d['host'] === 'string' && r.host(d['host']) !== d['host']) r.set(d, 'host', r.host(d['host']), `spec.${proto}[${i}].route[${j}].destination`);
      });
    });
  }
}

function route(spec: Json, r: Rewriter): void {
  records(spec['parentRefs']).forEach((p, i) => r.namespace(p, 'namespace', `spec.parentRefs[${i}]`));
  records(spec['rules']).forEach((rule, i) => records(rule['backendRefs']).forEach((b, j) => r.namespace(b, 'namespace', `spec.rules[${i}].backendRefs[${j}]`)));
}

function waypoint(obj: KubeObject, r: Rewriter): void {
  const labels = (obj.metadata.labels ??= {});
  r.changes.push(`metadata.labels.${REV}: ${labels[REV] ?? '(none)'} → ${r.ns.toRevision} (deployed by the new revision's istiod)`);
  labels[REV] = r.ns.toRevision;
}

function service(obj: KubeObject, r: Rewriter): void {
  const labels = obj.metadata.labels;
  if (labels?.[USE_WAYPOINT_NAMESPACE] === r.ns.stable) r.set(labels, USE_WAYPOINT_NAMESPACE, r.ns.canary, 'metadata.labels');
}

/** Whether a Gateway is a waypoint: the only Gateway the copy takes. */
export function isWaypoint(obj: KubeObject): boolean {
  return obj.kind === 'Gateway' && record(obj['spec'])?.['gatewayClassName'] === WAYPOINT_CLASS;
}

/** Rewrites a copy (already in the canary namespace) in place; returns what it changed, one line each. */
export function rewriteReferences(copy: KubeObject, ns: Namespaces): string[] {
  const r = new Rewriter(ns);
  const spec = record(copy['spec']) ?? {};
  switch (copy.kind) {
    case 'AuthorizationPolicy':
      dropRevisionSelector(spec, r);
      authorizationPolicy(spec, r);
      break;
    case 'PeerAuthentication':
    case 'RequestAuthentication':
    case 'Telemetry':
    case 'PodDisruptionBudget':
      dropRevisionSelector(spec, r);
      if (copy.kind !== 'PodDisruptionBudget') targetRefs(spec, r);
      break;
    case 'RoleBinding':
      roleBinding(copy, r);
      break;
    case 'NetworkPolicy':
      networkPolicy(spec, r);
      break;
    case 'Sidecar':
      sidecar(spec, r);
      break;
    case 'DestinationRule':
      destinationRule(spec, r);
      break;
    case 'VirtualService':
      virtualService(spec, r);
      break;
    case 'HTTPRoute':
    case 'GRPCRoute':
      route(spec, r);
      break;
    case 'Gateway':
      if (isWaypoint(copy)) waypoint(copy, r);
      break;
    case 'Service':
      service(copy, r);
      break;
  }
  return r.changes;
}

/**
 * Where a ConfigMap's text names the stable namespace (a Service FQDN, a principal): not
 * rewritten (free text has no schema to say what it means), only reported by key.
 */
export function namespaceMentions(configMap: KubeObject, stable: string): string[] {
  const data = record(configMap['data']) ?? {};
  const pattern = new RegExp(`(\\.${escapeRegExp(stable)}\\.svc\\b|/ns/${escapeRegExp(stable)}/)`);
  return Object.entries(data).flatMap(([key, value]) => (typeof value === 'string' && pattern.test(value) ? [key] : []));
}

