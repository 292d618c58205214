// istiod's two webhook endpoints on its port 15017, as AdmissionReview v1 in and out:
//   /inject, /inject/...   serveInject + inject (pkg/kube/inject/webhook.go): injectRequired, then
//                          the sidecar template as a JSONPatch; the path may carry proxy env
//                          (/inject/cluster/<id>/net/<network>, parseInjectEnvs)
//   /validate, /validate/  serveValidate (pkg/webhooks/validation/server/server.go): allowed,
//                          except objects carrying internal.istio.io/webhook-always-reject, the
//                          dry run istiod's validation controller makes before it switches the
//                          validator to failurePolicy Fail. Istio's validation rules are not modelled.
// Pure: the caller gives the istiod's view (its injector config, values, mesh, nodes).

import type { V1Pod } from '@kubernetes/client-node';
import { injectionPatch, injectRequired, nativeSidecar, podOwner, type InjectorConfig } from '../mesh/injection.js';
import { renderSidecar, type MeshDefaults } from './sidecar-template.js';

/** What one istiod knows when it answers: its revision and what its ConfigMaps say. */
export interface IstiodView {
  revision: string;
  /** Undefined when istio-sidecar-injector-<rev> is missing: istiod then serves no /inject. */
  injector: { config: InjectorConfig; values: Record<string, unknown> } | undefined;
  mesh: MeshDefaults;
  /** ENABLE_NATIVE_SIDECARS of the istiod Deployment. */
  nativeMode: string | undefined;
  /** node name -> kubelet version, for native sidecar auto-detection. */
  nodes: Map<string, string>;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

interface AdmissionRequest {
  uid?: string;
  namespace?: string;
  operation?: string;
  object?: Record<string, unknown>;
}

const ALWAYS_REJECT = 'internal.istio.io/webhook-always-reject';
const text = (status: number, body: string): HttpAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body: `${body}\n` });

/** parseInjectEnvs: /inject/k1/v1/k2/v2, "cluster" and "net" named after their env, --slash-- for "/". */
export function parseInjectEnvs(path: string): Record<string, string> {
  const parts = path.replace(/\/$/, '').split('/').slice(2);
  const aliases: Record<string, string> = { cluster: 'ISTIO_META_CLUSTER_ID', net: 'ISTIO_META_NETWORK' };
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = aliases[parts[i]!] ?? parts[i]!.toUpperCase();
    if (key) out[key] = parts[i + 1]!.replaceAll('--slash--', '/');
  }
  return out;
}

function injectResponse(req: AdmissionRequest, path: string, view: IstiodView): Record<string, unknown> {
  const pod = (req.object ?? {}) as V1Pod;
  const namespace = pod.metadata?.namespace || req.namespace || '';
  const injector = view.injector!;
  if (!injectRequired(pod, namespace, injector.config).inject) return { allowed: true };
  const podWithNs: V1Pod = { ...pod, metadata: { ...pod.metadata, namespace } };
  const native = nativeSidecar(view.nativeMode, view.nodes, pod);
  const rendered = renderSidecar({ pod: podWithNs, revision: view.revision, values: injector.values, mesh: view.mesh, native, owner: podOwner(pod) });
  // overwriteClusterInfo/updateClusterEnvs: envs from the path replace the proxy's, sorted, last.
  const envs = parseInjectEnvs(path);
  const proxy = [...rendered.containers, ...rendered.initContainers].find((c) => c.name === 'istio-proxy');
  if (proxy && Object.keys(envs).length > 0) {
    proxy.env = [...(proxy.env ?? []).filter((e) => !(e.name in envs)), ...Object.keys(envs).sort().map((name) => ({ name, value: envs[name] }))];
  }
  if (envs['ISTIO_META_NETWORK']) rendered.labels['topology.istio.io/network'] = envs['ISTIO_META_NETWORK'];
  const patch = injectionPatch(podWithNs, rendered, view.revision, injector.config.injectedAnnotations);
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
}

function validateResponse(req: AdmissionRequest): Record<string, unknown> {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { allowed: true };
  const annotations = ((req.object?.['metadata'] ?? {}) as { annotations?: Record<string, string> }).annotations ?? {};
  if (ALWAYS_REJECT in annotations) {
    return { allowed: false, result: { message: `configuration is invalid: "${ALWAYS_REJECT}" annotation found, rejecting` } };
  }
  return { allowed: true };
}

/** One request to istiod's webhook server; undefined view: the path is not served (404). */
export function answerReview(method: string, path: string, contentType: string | undefined, body: string, view: IstiodView): HttpAnswer {
  const inject = path === '/inject' || path.startsWith('/inject/');
  const validate = path === '/validate' || path.startsWith('/validate/');
  if (!(validate || (inject && view.injector)) || method !== 'POST') return text(404, '404 page not found');
  if (body.length === 0) return text(400, 'no body found');
  if (contentType !== 'application/json') return text(415, 'invalid Content-Type, want `application/json`');
  let review: { apiVersion?: string; kind?: string; request?: AdmissionRequest };
  try {
    review = JSON.parse(body) as typeof review;
  } catch (err) {
    return json({ response: { allowed: false, result: { message: `could not decode body: ${(err as Error).message}` } } });
  }
  const req = review.request;
  if (review.kind !== 'AdmissionReview' || !req) {
    return json({ response: { allowed: false, result: { message: 'could not decode object: expected an AdmissionReview with a request' } } });
  }
  const response = inject ? injectResponse(req, path, view) : validateResponse(req);
  return json({ apiVersion: review.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: req.uid, ...response } });
}

const json = (doc: unknown): HttpAnswer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(doc) });
