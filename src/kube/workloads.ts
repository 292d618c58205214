import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { ConflictError } from '../domain/conflict.js';
import { InfraError, OwnershipError } from '../domain/errors.js';
import { describeObject, type KubeObject } from '../domain/kube-object.js';
import { isOwned, MANAGED_BY, MANAGER, REV } from '../mesh/labels.js';
import { HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE } from '../mesh/webhook-facts.js';
import { GATEWAY_API_GROUP } from '../gateway-api/types.js';
import { FIELD_MANAGER, type KubeClient } from './client.js';
import { copyReport, planCopy } from '../plan/copy-plan.js';
import { readNamespaceObjects } from './namespace-objects.js';
import { orUndefined, site } from './errors.js';
import { done, notYet, pollUntil, PollTimeout, type Clock } from './poll.js';
import type { CloneOptions, CloneReport, ReleaseObject, WorkloadOps } from './ports.js';
import { daemonSetProblem, podProblems, rolloutProblem } from './wait.js';

export interface WorkloadOptions {
  /** Between looks while waiting for rollouts, DaemonSets and namespace deletion. */
  readonly pollMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

export function describe(obj: KubeObject): string {
  return describeObject(obj.kind, obj.metadata.namespace, obj.metadata.name);
}

export class KubeWorkloadOps implements WorkloadOps {
  constructor(
    private readonly client: KubeClient,
    private readonly o: WorkloadOptions = {},
  ) {}

  /** Checks every object before writing any, so a refusal leaves the cluster untouched. */
  async apply(objects: readonly KubeObject[], signal: AbortSignal): Promise<void> {
    const foreign = objects.filter((obj) => !isOwned(obj.metadata.labels));
    if (foreign.length > 0) {
      throw new OwnershipError(`refusing to apply ${foreign.map(describe).join(', ')}: without the label ${MANAGED_BY}=${MANAGER} we could never tell it is ours to remove`, {
        object: describe(foreign[0] as KubeObject),
        fix: `add the label ${MANAGED_BY}=${MANAGER} to every object the run creates`,
      });
    }
    for (const obj of objects) await this.serverSideApply(obj, signal);
  }

  /**
   * Reads every object of a known kind in the stable namespace (copy-kinds.ts; a kind the
   * cluster does not serve has none), decides the whole copy (plan/copy-plan.ts), and writes
   * it only when nothing in it is refused: a refusal names every object and changes nothing.
   */
  async cloneNamespace(options: CloneOptions, signal: AbortSignal): Promise<CloneReport> {
    const from = options.namespaces.stable;
    const sources = await readNamespaceObjects(this.client, from, signal);
    const plan = planCopy(sources, options);
    const refused = plan.inventory.entries.filter((e) => e.disposition === 'refused');
    if (refused.length > 0) {
      throw new InfraError(`the copy of namespace ${from} would not be faithful:\n  ${refused.map((e) => `${e.ref}: ${e.why}`).join('\n  ')}`, {
        object: `Namespace ${from}`,
        fix: `remove them from ${from}, or accept each difference by name: copy.skip: [${refused.map((e) => e.ref).join(', ')}] (flag --copy-skip)`,
      });
    }
    await this.apply(plan.objects, signal);
    return copyReport(plan);
  }

  async waitRollout(namespace: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const look = async () => {
      const list = await this.client.call(site('list', 'Deployment', namespace), signal, () => this.client.apps.listNamespacedDeployment({ namespace }));
      const problems = list.items.flatMap((d) => {
        const why = rolloutProblem(d);
        return why === undefined ? [] : [`Deployment ${namespace}/${d.metadata?.name ?? ''}: ${why}`];
      });
      return problems.length === 0 ? done(undefined) : notYet<undefined>(problems.join('\n'));
    };
    try {
      await pollUntil(look, this.poll(timeoutMs, signal));
    } catch (err) {
      if (!(err instanceof PollTimeout)) throw err;
      const pods = await this.client.call(site('list', 'Pod', namespace), signal, () => this.client.core.listNamespacedPod({ namespace }));
      const why = [err.why, ...podProblems(pods.items)].join('\n  ');
      throw new InfraError(`workloads in namespace ${namespace} not rolled out within ${seconds(timeoutMs)}:\n  ${why}`, {
        object: `Namespace ${namespace}`,
        fix: 'check the canary nodes have room and carry the canary label and taint, or raise the rollout timeout',
      });
    }
  }

  async waitDaemonSet(namespace: string, name: string, expected: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const object = describeObject('DaemonSet', namespace, name);
    if (expected < 1) throw new InfraError(`${object}: expected ${expected} ready pods; a canary needs at least one node`, { object });
    const look = async () => {
      const ds = await orUndefined(this.client.call(site('get', 'DaemonSet', namespace, name), signal, () => this.client.apps.readNamespacedDaemonSet({ name, namespace })));
      const why = ds === undefined ? 'not found' : daemonSetProblem(ds, expected);
      return why === undefined ? done(undefined) : notYet<undefined>(why);
    };
    try {
      await pollUntil(look, this.poll(timeoutMs, signal));
    } catch (err) {
      if (!(err instanceof PollTimeout)) throw err;
      throw new InfraError(`${object} not ready within ${seconds(timeoutMs)}: ${err.why}`, { object, fix: 'check its pods (kubectl describe) and the canary nodes’ label' });
    }
  }

  async deleteNamespace(name: string, timeoutMs: number, signal: AbortSignal): Promise<'deleted' | 'absent'> {
    const object = describeObject('Namespace', undefined, name);
    const read = () => orUndefined(this.client.call(site('get', 'Namespace', undefined, name), signal, () => this.client.core.readNamespace({ name })));
    const ns = await read();
    if (ns === undefined) return 'absent';
    if (!isOwned(ns.metadata?.labels)) {
      throw new OwnershipError(`refusing to delete ${object}: it does not carry ${MANAGED_BY}=${MANAGER}, so ambient-canary did not create it`, {
        object,
        fix: `if it is a leftover you want gone, delete it yourself (kubectl delete namespace ${name}); otherwise name another canary namespace`,
      });
    }
    // A second delete of a terminating namespace is a 409; it is already on its way out.
    if (ns.metadata?.deletionTimestamp === undefined) {
      await orUndefined(this.client.call(site('delete', 'Namespace', undefined, name), signal, () => this.client.core.deleteNamespace({ name }))).catch((err: unknown) => {
        if (!(err instanceof ConflictError)) throw err;
      });
    }
    try {
      await pollUntil(async () => ((await read()) === undefined ? done(undefined) : notYet<undefined>('still terminating')), this.poll(timeoutMs, signal));
    } catch (err) {
      if (!(err instanceof PollTimeout)) throw err;
      throw new InfraError(`${object} still terminating after ${seconds(timeoutMs)}`, { object, fix: 'look for objects with finalizers left in it (kubectl get all -n ' + name + ')' });
    }
    return 'deleted';
  }

  async deleteReleaseObject(object: ReleaseObject, release: { name: string; namespace: string }, signal: AbortSignal): Promise<'deleted' | 'absent' | 'not-owned'> {
    const spec = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace: object.namespace } };
    const at = (verb: 'get' | 'delete') => site(verb, object.kind, object.namespace, object.name, object.apiVersion);
    const live = await orUndefined(this.client.call(at('get'), signal, () => this.client.objects.read<KubernetesObject>(spec)));
    if (live === undefined) return 'absent';
    const annotations = live.metadata?.annotations ?? {};
    if (annotations[HELM_RELEASE_NAME] !== release.name || annotations[HELM_RELEASE_NAMESPACE] !== release.namespace) return 'not-owned';
    // Preconditioned on the object read: one replaced in between (by another owner) is not ours to delete.
    const preconditions = { uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion };
    const gone = await orUndefined(
      this.client.call(at('delete'), signal, () => this.client.objects.delete(spec, undefined, undefined, undefined, undefined, 'Background', { preconditions })),
    );
    return gone === undefined ? 'absent' : 'deleted';
  }

  async setGatewayRevision(gateway: { namespace: string; name: string }, revision: string, signal: AbortSignal): Promise<void> {
    const body = { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'Gateway', metadata: { name: gateway.name, namespace: gateway.namespace, labels: { [REV]: revision } } };
    await this.client.call(site('patch', 'Gateway', gateway.namespace, gateway.name), signal, () =>
      this.client.objects.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    );
  }

  private async serverSideApply(obj: KubeObject, signal: AbortSignal): Promise<void> {
    const s = site('patch', obj.kind, obj.metadata.namespace, obj.metadata.name, obj.apiVersion);
    // force: we own these objects; a field another manager set is taken over, not a reason to stop.
    // Raw JSON: the typed models would rename or drop fields of the copy (kube/raw-objects.ts).
    await this.client.call(s, signal, () => this.client.raw.applyRaw(obj as KubernetesObject, FIELD_MANAGER, true));
  }

  private poll(timeoutMs: number, signal: AbortSignal) {
    return { timeoutMs, intervalMs: this.o.pollMs ?? 1_000, signal, clock: this.o.clock };
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

