import type { RunConfig } from '../config/types.js';
import { ConflictError } from '../domain/conflict.js';
import { InfraError } from '../domain/errors.js';
import { MAX_EVENTS, RUN_RECORD_SCHEMA, type BaselineRecord, type RunRecord } from '../domain/run-record.js';
import { formatVersion } from '../domain/revision.js';
import type { Plan } from '../plan/build.js';
import type { RunContext } from './context.js';

/** A run's first record; `baseline` is the stable as preflight measured it, before anything changed. */
export function newRecord(config: RunConfig, plan: Plan, now: Date, actor: RunRecord['actor'], holder?: string, baseline?: BaselineRecord): RunRecord {
  const at = now.toISOString();
  return {
    schema: RUN_RECORD_SCHEMA,
    id: plan.runId,
    from: formatVersion(config.from.version),
    to: formatVersion(config.to.version),
    revisions: plan.revisions,
    phase: undefined,
    outcome: 'running',
    schedule: plan.route.steps.map((s) => s.weights.canary),
    weight: 0,
    canaryNodes: [],
    originalWeights: undefined,
    promotedNodes: [],
    steps: [],
    events: [{ at, message: `run started by ${actor.host}${actor.ciJob ? ` (CI job ${actor.ciJob})` : ''}`, by: holder }],
    startedAt: at,
    updatedAt: at,
    actor,
    reason: undefined,
    ...(baseline ? { baseline } : {}),
  };
}

const MAX_CONFLICTS = 5;

/**
 * Changes the run record in the cluster with compare-and-swap. On a conflict (rare under the
 * lock: a write whose answer was lost, or a run that took the lock with --force-unlock) it
 * re-reads the record and applies the same change to what it finds, up to MAX_CONFLICTS times.
 */
export async function updateRecord(ctx: RunContext, change: (r: RunRecord) => void, signal: AbortSignal = ctx.signal): Promise<RunRecord> {
  for (let attempt = 1; ; attempt++) {
    const next = structuredClone(ctx.stored.record);
    change(next);
    next.updatedAt = ctx.ports.clock().toISOString();
    // The moment a run ends is kept apart from updatedAt, which later reads of it may move.
    if (next.outcome !== 'running' && next.endedAt === undefined) next.endedAt = next.updatedAt;
    try {
      ctx.stored = await ctx.ports.runs.save(ctx.stored, next, signal);
      return ctx.stored.record;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_CONFLICTS) throw error;
      const fresh = await ctx.ports.runs.load(next.id, signal);
      if (!fresh) throw new InfraError(`the run record ${next.id} disappeared while the run was going`, { fix: 'someone deleted the ConfigMap; run `canary abort` to revert what is left' });
      ctx.stored = fresh;
    }
  }
}

/** Appends an event to a record being changed (kept to the newest MAX_EVENTS). */
export function addEvent(ctx: RunContext, r: RunRecord, message: string): void {
  r.events.push({ at: ctx.ports.clock().toISOString(), message, by: ctx.ports.holder });
  if (r.events.length > MAX_EVENTS) r.events.splice(0, r.events.length - MAX_EVENTS);
}

