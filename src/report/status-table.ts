import type { RunRecord } from '../domain/run-record.js';
import { stableBeforeRun } from './baseline.js';
import { copyText } from './copy.js';
import type { ObservedRoute, ObservedRun } from './observed.js';

/** `canary status` for people: where the run stands and what each step measured; with `observed`, what the cluster holds now. */
export function statusTable(record: RunRecord, observed?: ObservedRun): string {
  const lines = [
    `Run ${record.id}: ${record.from} -> ${record.to}`,
    `  outcome   ${record.outcome}${record.reason ? ` (${record.reason})` : ''}`,
    `  phase     ${record.phase ?? 'not started'} (last completed)`,
    `  weight    ${100 - record.weight}/${record.weight} stable/canary, schedule ${record.schedule.join(' -> ')}`,
    ...(record.baseline ? [`  stable    before the run: ${stableBeforeRun(record)}`] : []),
    ...(record.copy ? [`  copy      ${copyText(record)}`] : []),
    `  nodes     ${record.canaryNodes.map((n) => n.name).join(', ') || 'none yet'}${record.promotedNodes.length ? `; moved at promote: ${record.promotedNodes.join(', ')}` : ''}`,
    `  started   ${record.startedAt} by ${record.actor.host}${record.actor.ciJob ? ` (${record.actor.ciJob})` : ''}`,
    `  updated   ${record.updatedAt}${record.endedAt ? `, ended ${record.endedAt}` : ''}`,
  ];
  if (observed) lines.push(...observedLines(observed, record.outcome === 'running'));
  if (record.steps.length > 0) {
    lines.push('', '  WEIGHT  STARTED                   VERDICT        REASONS');
    for (const s of record.steps) {
      lines.push(`  ${`${s.weight}%`.padEnd(6)}  ${s.startedAt.padEnd(24)}  ${(s.verdict?.kind ?? (s.endedAt ? 'none' : 'baking')).padEnd(13)}  ${s.verdict?.reasons.join('; ') ?? ''}${s.by ? ` [${s.by}]` : ''}`);
    }
  }
  const recent = record.events.slice(-8);
  if (recent.length > 0) lines.push('', '  Recent events:', ...recent.map((e) => `  ${e.at}  ${e.message}`));
  return `${lines.join('\n')}\n`;
}

/** The cluster as read now, and every gap between it and the record. */
function observedLines(o: ObservedRun, running: boolean): string[] {
  const nodes = o.nodes.map((n) => `${n.name} ${n.label ?? 'unlabelled'}${n.canaryTaint ? ' tainted' : ''}`).join(', ') || 'none labelled for the canary';
  const lock = o.lock ? `held by ${o.lock.holder} since ${o.lock.since ?? '?'} (expires ${o.lock.expiresAt ?? '?'})` : 'free';
  // A running run nobody holds is paused (--until, between CI jobs) or its process died: both continue the same way.
  const idle = !o.lock && running ? ': no process is working on this run (paused, or its process died); `canary step`/`canary upgrade` continue it, `canary abort` reverts it' : '';
  return [
    '',
    `  Cluster now (read ${o.at}):`,
    `  route     ${routeText(o.route)}`,
    `  nodes     ${nodes}`,
    `  releases  ${o.releases.map((r) => `${r.name} (${r.status})`).join(', ') || 'none'}`,
    `  namespace ${o.canaryNamespace.name} ${o.canaryNamespace.exists ? 'present' : 'absent'}`,
    `  lock      ${lock}${idle}`,
    ...(o.findings.length > 0 ? ['', '  Record and cluster differ:', ...o.findings.map((f) => `  ! ${f}`)] : ['  (record and cluster agree)']),
  ];
}

function routeText(route: ObservedRoute): string {
  switch (route.state) {
    case 'split':
      return `${route.stable}/${route.canary} stable/canary`;
    case 'stable-only':
      return 'stable only (no canary backends)';
    case 'canary-only':
      return 'canary only (promoted)';
    case 'inconsistent':
      return `inconsistent: ${route.detail}`;
    case 'missing':
      return 'not found, or without our backends';
  }
}
