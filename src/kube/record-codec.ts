import type { V1ConfigMap } from '@kubernetes/client-node';
import { InfraError } from '../domain/errors.js';
import { describeObject } from '../domain/kube-object.js';
import { RUN_RECORD_SCHEMA, type RunRecord } from '../domain/run-record.js';
import { OWNED, RUN_LABEL } from '../mesh/labels.js';
import type { StoredRun } from '../state/ports.js';

/** Pure mapping between a run record and the ConfigMap that holds it. */

export const RECORD_KEY = 'record.json';
/** Lets `kubectl get cm -l ambient-canary.dev/outcome=running` find live runs without parsing. */
export const OUTCOME_LABEL = 'ambient-canary.dev/outcome';
/** Which build of the tool wrote the record, so a reader that cannot read it can say which to use. */
export const WRITER_ANNOTATION = 'ambient-canary.dev/written-by';

export function configMapName(id: string): string {
  return `canary-run-${id}`;
}

export function encodeRecord(record: RunRecord, namespace: string, writer: string, resourceVersion?: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(record.id),
      namespace,
      labels: { ...OWNED, [RUN_LABEL]: record.id, [OUTCOME_LABEL]: record.outcome },
      annotations: { [WRITER_ANNOTATION]: writer },
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    data: { [RECORD_KEY]: `${JSON.stringify(record, null, 2)}\n` },
  };
}

function parseJson(cm: V1ConfigMap): unknown {
  const text = cm.data?.[RECORD_KEY];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The record of a ConfigMap, refusing a schema this build does not know rather than misreading it. */
export function decodeRecord(cm: V1ConfigMap): StoredRun {
  const object = describeObject('ConfigMap', cm.metadata?.namespace, cm.metadata?.name ?? '');
  const raw = parseJson(cm) as Partial<RunRecord> | undefined;
  if (raw === undefined || typeof raw !== 'object' || raw === null) {
    throw new InfraError(`${object} holds no readable run record (key ${RECORD_KEY})`, { object, fix: `inspect it with kubectl get -o yaml; delete it if it is debris` });
  }
  const writer = cm.metadata?.annotations?.[WRITER_ANNOTATION] ?? 'an unknown version of ambient-canary';
  if (raw.schema !== RUN_RECORD_SCHEMA) {
    throw new InfraError(`${object} holds a run record of schema ${String(raw.schema)}, written by ${writer}; this ambient-canary reads schema ${RUN_RECORD_SCHEMA}`, {
      object,
      fix: `run this command with ${writer} (or newer)`,
    });
  }
  return { record: raw as RunRecord, version: cm.metadata?.resourceVersion ?? '' };
}

/** The run `status`, `step` and `abort` act on by default: a running one first, else the newest started. */
export function chooseLatest(items: readonly V1ConfigMap[]): V1ConfigMap | undefined {
  const ranked = items.map((cm) => {
    const raw = parseJson(cm) as { startedAt?: unknown } | undefined;
    const startedAt = typeof raw?.startedAt === 'string' ? Date.parse(raw.startedAt) : Number.NaN;
    return { cm, running: cm.metadata?.labels?.[OUTCOME_LABEL] === 'running', startedAt: Number.isNaN(startedAt) ? 0 : startedAt };
  });
  ranked.sort((a, b) => Number(b.running) - Number(a.running) || b.startedAt - a.startedAt);
  return ranked[0]?.cm;
}
