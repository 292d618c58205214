import type { RunRecord } from '../domain/run-record.js';

/** The run as Markdown, for a change ticket or $GITHUB_STEP_SUMMARY. */
export function markdownReport(record: RunRecord): string {
  const lines = [
    `# Canary upgrade ${record.from} → ${record.to}: ${record.outcome}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Run | \`${record.id}\` |`,
    `| Outcome | **${record.outcome}**${record.reason ? ` — ${escape(record.reason)}` : ''} |`,
    `| Last phase | ${record.phase ?? 'none'} |`,
    `| Weight | ${100 - record.weight}% stable / ${record.weight}% canary (schedule ${record.schedule.join(' → ')}) |`,
    `| Canary nodes | ${record.canaryNodes.map((n) => `\`${n.name}\``).join(', ') || '—'} |`,
    `| Started | ${record.startedAt} by ${record.actor.host}${record.actor.ciJob ? ` (${record.actor.ciJob})` : ''} |`,
    `| Updated | ${record.updatedAt} |`,
    '',
    '## Steps',
    '',
    '| Weight | Started | Ended | Verdict | Reasons |',
    '|---|---|---|---|---|',
    ...record.steps.map((s) => `| ${s.weight}% | ${s.startedAt} | ${s.endedAt ?? '—'} | ${s.verdict?.kind ?? 'baking'} | ${escape(s.verdict?.reasons.join('; ') ?? '')} |`),
    '',
    '## Events',
    '',
    ...record.events.map((e) => `- ${e.at} ${escape(e.message)}`),
    '',
  ];
  return lines.join('\n');
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
