import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import type { RunRecord } from '../../../src/domain/run-record.js';
import { startedRecord } from '../../support/run-record.js';
import { chooseLatest, decodeRecord, encodeRecord } from '../../../src/kube/record-codec.js';

function record(id: string, startedAt: string, outcome: RunRecord['outcome'] = 'running'): RunRecord {
  return startedRecord(id, { startedAt, outcome, phase: 'preflight', actor: { host: 'laptop', ciJob: undefined } });
}

describe('encode and decode', () => {
  it('round-trips a record with its labels and writer', () => {
    const cm = encodeRecord(record('a', '2026-01-01T00:00:00Z'), 'canary-state', 'ambient-canary/0.1.0');
    expect(cm.metadata).toEqual({
      name: 'canary-run-a',
      namespace: 'canary-state',
      labels: { 'app.kubernetes.io/managed-by': 'ambient-canary', 'ambient-canary.dev/run': 'a', 'ambient-canary.dev/outcome': 'running' },
      annotations: { 'ambient-canary.dev/written-by': 'ambient-canary/0.1.0' },
    });
    const stored = decodeRecord({ ...cm, metadata: { ...cm.metadata, resourceVersion: '42' } });
    expect(stored.version).toBe('42');
    expect(stored.record).toEqual(JSON.parse(JSON.stringify(record('a', '2026-01-01T00:00:00Z'))));
  });

  it('refuses a schema it does not know, naming who wrote it', () => {
    const cm = encodeRecord(record('a', '2026-01-01T00:00:00Z'), 'ns', 'ambient-canary/0.9.0');
    cm.data = { 'record.json': JSON.stringify({ ...record('a', '2026-01-01T00:00:00Z'), schema: 2 }) };
    expect(() => decodeRecord(cm)).toThrow(InfraError);
    expect(() => decodeRecord(cm)).toThrow(/schema 2, written by ambient-canary\/0.9.0; this ambient-canary reads schema 1/);
  });

  it('refuses a ConfigMap without a readable record', () => {
    expect(() => decodeRecord({ metadata: { name: 'canary-run-x', namespace: 'ns' }, data: { 'record.json': '{' } })).toThrow(/no readable run record/);
  });
});

describe('chooseLatest', () => {
  const cm = (id: string, startedAt: string, outcome: RunRecord['outcome']) => encodeRecord(record(id, startedAt, outcome), 'ns', 'w');

  it('prefers a running run, else the newest started', () => {
    const old = cm('old', '2026-01-01T00:00:00Z', 'aborted');
    const running = cm('running', '2026-01-02T00:00:00Z', 'running');
    const newest = cm('newest', '2026-01-03T00:00:00Z', 'promoted');
    expect(chooseLatest([old, running, newest])?.metadata?.name).toBe('canary-run-running');
    expect(chooseLatest([old, newest])?.metadata?.name).toBe('canary-run-newest');
    expect(chooseLatest([])).toBeUndefined();
  });
});
