import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from '../domain/conflict.js';
import { InfraError } from '../domain/errors.js';
import { describeObject } from '../domain/kube-object.js';
import type { RunRecord } from '../domain/run-record.js';
import { MANAGED_BY, MANAGER, RUN_LABEL } from '../mesh/labels.js';
import type { KubeClient } from './client.js';
import { orUndefined, site } from './errors.js';
import type { RunStore, StoredRun } from '../state/ports.js';
import { chooseLatest, configMapName, decodeRecord, encodeRecord } from './record-codec.js';

export interface RunStoreOptions {
  readonly namespace: string;
  /** `ambient-canary/0.1.0`: written beside each record so a reader that cannot read it can say who can. */
  readonly writer: string;
}

/**
 * Run records as ConfigMaps `canary-run-<id>`. Every write is compare-and-swap: create fails
 * if the run exists, save carries the resourceVersion it was read at, and the apiserver
 * answers a stale one with 409 (ConflictError): the caller re-reads and decides again.
 */
export class ConfigMapRunStore implements RunStore {
  constructor(
    private readonly client: KubeClient,
    private readonly o: RunStoreOptions,
  ) {}

  async load(id: string, signal: AbortSignal): Promise<StoredRun | undefined> {
    const name = configMapName(id);
    const namespace = this.o.namespace;
    const cm = await orUndefined(this.client.call(site('get', 'ConfigMap', namespace, name), signal, () => this.client.core.readNamespacedConfigMap({ name, namespace })));
    return cm === undefined ? undefined : decodeRecord(cm);
  }

  async latest(signal: AbortSignal): Promise<StoredRun | undefined> {
    const namespace = this.o.namespace;
    const labelSelector = `${MANAGED_BY}=${MANAGER},${RUN_LABEL}`;
    const list = await orUndefined(this.client.call(site('list', 'ConfigMap', namespace), signal, () => this.client.core.listNamespacedConfigMap({ namespace, labelSelector })));
    const chosen = chooseLatest(list?.items ?? []);
    return chosen === undefined ? undefined : decodeRecord(chosen);
  }

  async create(record: RunRecord, signal: AbortSignal): Promise<StoredRun> {
    const namespace = this.o.namespace;
    const body = encodeRecord(record, namespace, this.o.writer);
    try {
      const cm = await this.client.call(site('create', 'ConfigMap', namespace, body.metadata?.name), signal, () => this.client.core.createNamespacedConfigMap({ namespace, body }));
      return decodeRecord(cm);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // A create whose answer was lost (connection reset after the apiserver stored it) is
      // retried and meets itself: the same data, byte for byte, is our record, not another run's.
      const existing = await orUndefined(this.client.call(site('get', 'ConfigMap', namespace, body.metadata?.name), signal, () => this.client.core.readNamespacedConfigMap({ name: body.metadata?.name ?? '', namespace })));
      if (existing !== undefined && isDeepStrictEqual(existing.data, body.data)) return decodeRecord(existing);
      const object = describeObject('ConfigMap', namespace, configMapName(record.id));
      throw new ConflictError(`run ${record.id} already exists (${object})`, { object, cause: err, fix: 'continue it with `canary step`/`canary promote`, or end it with `canary abort`' });
    }
  }

  async save(stored: StoredRun, record: RunRecord, signal: AbortSignal): Promise<StoredRun> {
    if (record.id !== stored.record.id) throw new InfraError(`cannot save run ${record.id} over run ${stored.record.id}`);
    const namespace = this.o.namespace;
    const body = encodeRecord(record, namespace, this.o.writer, stored.version);
    const name = configMapName(record.id);
    // A replace carrying resourceVersion: the apiserver refuses it (409) if anyone wrote since.
    try {
      const cm = await this.client.call(site('update', 'ConfigMap', namespace, name), signal, () => this.client.core.replaceNamespacedConfigMap({ name, namespace, body }));
      return decodeRecord(cm);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // A replace whose answer was lost is retried and meets its own write (the version moved
      // on): the same data, byte for byte (updatedAt included), is our save, which a caller
      // re-reading and applying its change again would apply twice (a step recorded twice).
      const existing = await orUndefined(this.client.call(site('get', 'ConfigMap', namespace, name), signal, () => this.client.core.readNamespacedConfigMap({ name, namespace })));
      if (existing !== undefined && isDeepStrictEqual(existing.data, body.data)) return decodeRecord(existing);
      throw err;
    }
  }
}
