import type { RunRecord } from '../../src/domain/run-record.js';

/** A freshly started 1.29.6 → 1.30.3 run's record, as `upgrade` first writes it; `fields` override. */
export function startedRecord(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  const at = fields.startedAt ?? new Date().toISOString();
  return {
    schema: 1,
    id,
    from: '1.29.6',
    to: '1.30.3',
    revisions: { stable: '1-29-6', canary: '1-30-3' },
    phase: undefined,
    outcome: 'running',
    schedule: [10, 50, 100],
    weight: 0,
    canaryNodes: [],
    originalWeights: undefined,
    promotedNodes: [],
    steps: [],
    events: [],
    startedAt: at,
    updatedAt: at,
    actor: { host: 'it', ciJob: undefined },
    reason: undefined,
    ...fields,
  };
}
