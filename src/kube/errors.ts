import { ApiException } from '@kubernetes/client-node';
import { ConflictError, NotFoundError } from '../domain/conflict.js';
import { InfraError, isCanaryError, type CanaryError, type ErrorDetails } from '../domain/errors.js';
import { describeObject, pluralOf } from '../domain/kube-object.js';
import { apiStatus, connectionCode, isDisruptionBudgetRefusal } from './retry.js';

/** What a call was doing, so every error can name the verb, the resource and the object. */
export interface CallSite {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';
  /** RBAC resource, with its group when it has one: `deployments.apps`, `pods/eviction`. */
  readonly resource: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** Which cluster we were talking to; never credentials. */
export interface Target {
  readonly context: string;
  readonly server: string;
}

/** The eviction API refused because a PodDisruptionBudget would be violated (HTTP 429). */
export class DisruptionBudgetError extends InfraError {
  constructor(
    /** The apiserver's reason, which names the budget: "The disruption budget web needs 2 healthy pods…". */
    readonly refusal: string,
    details: ErrorDetails,
  ) {
    super(`${details.object ?? 'eviction'}: ${refusal}`, details);
  }
}

/** A request that got no answer within the per-request timeout. */
export class RequestTimeoutError extends Error {
  readonly code = 'REQUEST_TIMEOUT';
  readonly type = 'system';
}

const RESOURCES: Readonly<Record<string, string>> = {
  Eviction: 'pods/eviction',
  Deployment: 'deployments.apps',
  MutatingWebhookConfiguration: 'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  ValidatingWebhookConfiguration: 'validatingwebhookconfigurations.admissionregistration.k8s.io',
  DaemonSet: 'daemonsets.apps',
  Lease: 'leases.coordination.k8s.io',
  CustomResourceDefinition: 'customresourcedefinitions.apiextensions.k8s.io',
  HTTPRoute: 'httproutes.gateway.networking.k8s.io',
  Gateway: 'gateways.gateway.networking.k8s.io',
  ReferenceGrant: 'referencegrants.gateway.networking.k8s.io',
};

/** The RBAC resource of a kind: the table above, else the lower-case plural in the object's API group. */
export function resourceOf(kind: string, apiVersion = 'v1'): string {
  const known = RESOURCES[kind];
  if (known) return known;
  const group = apiVersion.includes('/') ? `.${apiVersion.split('/')[0]}` : '';
  return `${pluralOf(kind)}${group}`;
}

export function site(verb: CallSite['verb'], kind: string, namespace?: string, name?: string, apiVersion?: string): CallSite {
  return { verb, kind, resource: resourceOf(kind, apiVersion), namespace, name };
}

/** Absent is an answer, not an error, for reads that may find nothing (NotFoundError). */
export async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export function objectName(site: CallSite): string {
  if (site.name === undefined) return site.namespace ? `${site.kind}s in namespace ${site.namespace}` : `${site.kind}s`;
  return describeObject(site.kind, site.namespace, site.name);
}

/** The apiserver's own explanation (metav1.Status.message), when it sent one. */
export function serverMessage(err: ApiException<unknown>): string {
  const message = apiStatus(err).message;
  if (message) return message;
  if (typeof err.body === 'string' && err.body.length > 0 && err.body.length < 300) return err.body;
  return `HTTP ${err.code}`;
}

function disruptionCause(err: ApiException<unknown>): string {
  return (apiStatus(err).details?.causes ?? []).find((c) => c.reason === 'DisruptionBudget')?.message ?? serverMessage(err);
}

/** Turns a failure of one call into the CanaryError the user sees (exit codes from the class). */
export function mapError(err: unknown, site: CallSite, target: Target): CanaryError {
  if (isCanaryError(err)) return err;
  const object = objectName(site);
  if (err instanceof ApiException) return mapApiError(err, site, target, object);
  const code = connectionCode(err);
  if (code !== undefined) {
    return new InfraError(`cannot reach the cluster of context "${target.context}" at ${target.server} (${code}) while trying to ${site.verb} ${object}`, {
      object,
      cause: err,
      fix: 'check that the cluster is running and that --context/--kubeconfig name the right one',
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Unrecognized API version and kind')) {
    return new NotFoundError(`${object}: the cluster does not serve ${site.resource} (${message})`, { object, cause: err, fix: `install the CRDs that define ${site.kind}` });
  }
  return new InfraError(`${site.verb} ${object} failed: ${message}`, { object, cause: err });
}

function mapApiError(err: ApiException<unknown>, site: CallSite, target: Target, object: string): CanaryError {
  const details = { object, cause: err };
  const said = serverMessage(err);
  switch (err.code) {
    case 404:
      return new NotFoundError(`${object} not found`, details);
    case 409:
      return new ConflictError(`${object} changed since it was read, or already exists: ${said}`, details);
    case 401:
      return new InfraError(`the cluster of context "${target.context}" rejected our credentials (401) while trying to ${site.verb} ${object}`, {
        ...details,
        fix: 'refresh the credentials of that context (log in again), or pick another --context',
      });
    case 403:
      return new InfraError(`forbidden: cannot ${site.verb} ${site.resource}${site.namespace ? ` in namespace ${site.namespace}` : ''}: ${said}`, {
        ...details,
        fix: `grant the user of context "${target.context}" RBAC verb "${site.verb}" on "${site.resource}"${site.namespace ? ` in namespace ${site.namespace}` : ' (cluster-wide)'}`,
      });
    case 429:
      if (isDisruptionBudgetRefusal(err)) return new DisruptionBudgetError(disruptionCause(err), details);
      return new InfraError(`the apiserver kept throttling ${site.verb} ${object} (429): ${said}`, details);
    default:
      return new InfraError(`${site.verb} ${object} failed (HTTP ${err.code}): ${said}`, details);
  }
}
