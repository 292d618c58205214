import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type Configuration,
  type Middleware,
  type RequestContext,
} from '@kubernetes/client-node';
import { InputError } from '../domain/errors.js';
import { mapError, RequestTimeoutError, type CallSite, type Target } from './errors.js';
import { RawObjectApi } from './raw-objects.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';

export interface KubeOptions {
  /** Path of a kubeconfig file; the client's default lookup (KUBECONFIG, ~/.kube/config, in-cluster) when unset. */
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Told about every retry, for verbose output. */
  readonly onRetry?: ((message: string) => void) | undefined;
  readonly retry?: RetryPolicy | undefined;
  /** A request that gets no answer within this fails (and is retried) rather than hanging. */
  readonly requestTimeoutMs?: number | undefined;
  /** Sent as User-Agent (`ambient-canary/0.1.0`), so audit logs tell our requests from other clients'. */
  readonly userAgent?: string | undefined;
}

/** The typed APIs plus `call`, through which every request goes: retries, cancellation, error mapping. */
export interface KubeClient {
  readonly target: Target;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly coordination: CoordinationV1Api;
  /** events.k8s.io/v1: the Events we leave on the HTTPRoute. */
  readonly events: EventsV1Api;
  readonly apiextensions: ApiextensionsV1Api;
  readonly version: VersionApi;
  /** Any kind, including custom resources (HTTPRoute, Gateway) and server-side apply. */
  readonly objects: KubernetesObjectApi;
  /** The same, without the client's typed models: the apiserver's JSON as it is (kube/raw-objects.ts). */
  readonly raw: RawObjectApi;
  call<T>(site: CallSite, signal: AbortSignal, request: () => Promise<T>): Promise<T>;
}

export const FIELD_MANAGER = 'ambient-canary';
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The client library takes no per-call AbortSignal, so `call` puts the signal in async
 * context and one middleware hands it to every request that starts inside.
 */
const requestSignal = new AsyncLocalStorage<AbortSignal>();
const signalMiddleware: Middleware = {
  pre: async (ctx: RequestContext) => {
    const signal = requestSignal.getStore();
    if (signal) ctx.setSignal(signal);
    return ctx;
  },
  post: async (ctx) => ctx,
};

export function loadKubeConfig(options: Pick<KubeOptions, 'kubeconfig' | 'context'>): { kc: KubeConfig; target: Target } {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    // Only the file name and the parser's complaint: a kubeconfig holds secrets.
    const reason = (err as NodeJS.ErrnoException).code ?? 'not a valid kubeconfig';
    throw new InputError([{ path: '--kubeconfig', message: `cannot read ${options.kubeconfig ?? 'the default kubeconfig'} (${reason}): name a readable kubeconfig file` }], { cause: err });
  }
  const names = kc.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!names.includes(options.context)) {
      throw new InputError([{ path: '--context', message: `no context "${options.context}" in ${options.kubeconfig ?? 'the kubeconfig'}; available: ${names.join(', ') || 'none'}` }]);
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new InputError([{ path: '--context', message: `the kubeconfig has no current context; pick one of: ${names.join(', ') || 'none (the file defines no contexts)'}` }]);
  }
  return { kc, target: { context: kc.getCurrentContext(), server: cluster.server } };
}

/** The client library's default is node-fetch's, which every other Node client sends too. */
function userAgentMiddleware(userAgent: string): Middleware {
  return {
    pre: async (ctx: RequestContext) => {
      ctx.setHeaderParam('User-Agent', userAgent);
      return ctx;
    },
    post: async (ctx) => ctx,
  };
}

function apiConfiguration(kc: KubeConfig, server: string, userAgent: string | undefined): Configuration {
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: userAgent === undefined ? [signalMiddleware] : [signalMiddleware, userAgentMiddleware(userAgent)],
  });
}

export function createKubeClient(options: KubeOptions): KubeClient {
  const { kc, target } = loadKubeConfig(options);
  const config = apiConfiguration(kc, target.server, options.userAgent);
  const policy = options.retry ?? DEFAULT_RETRY;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    target,
    core: new CoreV1Api(config),
    apps: new AppsV1Api(config),
    coordination: new CoordinationV1Api(config),
    events: new EventsV1Api(config),
    apiextensions: new ApiextensionsV1Api(config),
    version: new VersionApi(config),
    objects: new KubernetesObjectApi(config),
    raw: new RawObjectApi(config),
    async call<T>(site: CallSite, signal: AbortSignal, request: () => Promise<T>): Promise<T> {
      const what = `${site.verb} ${site.kind}${site.name ? ` ${site.namespace ? `${site.namespace}/` : ''}${site.name}` : ''}`;
      try {
        return await withRetry(() => attempt(request, signal, timeoutMs), { policy, signal, what, onRetry: options.onRetry });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw mapError(err, site, target);
      }
    },
  };
}

/** One request, cancelled by the caller's signal or by the per-request timeout. */
async function attempt<T>(request: () => Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await requestSignal.run(AbortSignal.any([signal, timeout]), request);
  } catch (err) {
    if (timeout.aborted && !signal.aborted) throw new RequestTimeoutError(`no answer within ${timeoutMs / 1000}s`, { cause: err });
    throw err;
  }
}
