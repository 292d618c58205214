import type { RunRecord } from '../domain/run-record.js';

/** `canary status` for people: where the run stands and what each step measured. */
export function statusTable(record: RunRecord): string {
  const lines = [
    `Run ${record.id}: ${record.from} -> ${record.to}`,
    `  outcome   ${record.outcome}${record.reason ? ` (${record.reason})` : ''}`,
    `  phase     ${record.phase ?? 'not started'} (last completed)`,
    `  weight    ${100 - record.weight}/${record.weight} stable/canary, schedule ${record.schedule.join(' -> ')}`,
    `  nodes     ${record.canaryNodes.map((n) => n.name).join(', ') || 'none yet'}${record.promotedNodes.length ? `; moved at promote: ${record.promotedNodes.join(', ')}` : ''}`,
    `  started   ${record.startedAt} by ${record.actor.host}${record.actor.ciJob ? ` (${record.actor.ciJob})` : ''}`,
    `  updated   ${record.updatedAt}`,
  ];
  if (record.steps.length > 0) {
    lines.push('', '  WEIGHT  STARTED                   VERDICT        REASONS');
    for (const s of record.steps) {
      lines.push(`  ${`${s.weight}%`.padEnd(6)}  ${s.startedAt.padEnd(24)}  ${(s.verdict?.kind ?? 'baking').padEnd(13)}  ${s.verdict?.reasons.join('; ') ?? ''}`);
    }
  }
  const recent = record.events.slice(-8);
  if (recent.length > 0) lines.push('', '  Recent events:', ...recent.map((e) => `  ${e.at}  ${e.message}`));
  return `${lines.join('\n')}\n`;
}
