import type { RunRecord, WindowRecord } from '../../src/domain/run-record.js';

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

/** `n` one-second windows as the load source records them: every figure docs/run-record.md lists, with realistic digits. */
export function judgedWindows(n: number): WindowRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const figures: Record<string, number> = { unlabelled: 0, unlabelledErrors: 0, timeouts: 0, connectionErrors: 0 };
    for (const rev of ['stable', 'canary']) {
      Object.assign(figures, { [`${rev}.requests`]: 4512 + i, [`${rev}.errors`]: 3, [`${rev}.slow`]: 1, [`${rev}.p50Ms`]: 12.345678, [`${rev}.p90Ms`]: 48.123456, [`${rev}.p99Ms`]: 231.519123 });
    }
    const start = new Date(Date.UTC(2026, 10, 23, 12, 0, 0) + i * 1000);
    return { start: start.toISOString(), end: new Date(start.getTime() + 1000).toISOString(), figures };
  });
}
