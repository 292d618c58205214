import type { RunRecord, StepRecord } from '../domain/run-record.js';
import { stableBeforeRun } from './baseline.js';
import { copyText } from './copy.js';
import { figureOf } from './figures.js';

/** The run as Markdown, for a change ticket or $GITHUB_STEP_SUMMARY (GitHub-flavoured tables). */
export function markdownReport(record: RunRecord): string {
  // Only an http(s) link: the URL comes from the CI's environment, and a summary renders it.
  const url = record.actor.ciUrl && /^https?:\/\/[^\s()<>]+$/.test(record.actor.ciUrl) ? record.actor.ciUrl : undefined;
  const ci = record.actor.ciJob ? ` (${url ? `[${escape(record.actor.ciJob)}](${url})` : escape(record.actor.ciJob)})` : '';
  const lines = [
    `# Canary upgrade ${record.from} → ${record.to}: ${record.outcome}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Run | \`${record.id}\` |`,
    `| Outcome | **${record.outcome}**${record.reason ? ` — ${escape(record.reason)}` : ''} |`,
    `| Last phase | ${record.phase ?? 'none'} |`,
    `| Weight | ${100 - record.weight}% stable / ${record.weight}% canary (schedule ${record.schedule.join(' → ')}) |`,
    ...(record.baseline ? [`| Stable before the run | ${escape(stableBeforeRun(record) ?? '')} |`] : []),
    ...(record.copy ? [`| Canary copy | ${escape(copyText(record) ?? '')} |`] : []),
    `| Canary nodes | ${record.canaryNodes.map((n) => `\`${n.name}\``).join(', ') || '—'} |`,
    `| Started | ${record.startedAt} by ${escape(record.actor.host)}${ci} |`,
    `| Ended | ${record.endedAt ?? '—'} |`,
    `| Updated | ${record.updatedAt} |`,
    '',
    '## Steps',
    '',
    '| Weight | Started | Ended | Verdict | Canary responses | Canary errors | Canary p99 | By | Reasons |',
    '|---|---|---|---|---|---|---|---|---|',
    ...record.steps.map(stepRow),
    '',
    '## Events',
    '',
    ...record.events.map((e) => `- ${e.at} ${escape(e.message)}`),
    '',
  ];
  return lines.join('\n');
}

function stepRow(s: StepRecord): string {
  const f = (name: string): number | undefined => figureOf(s.verdict?.figures, name);
  const p99 = f('canaryP99Ms');
  const kind = s.verdict?.kind ?? (s.endedAt ? 'none' : 'baking');
  return `| ${s.weight}% | ${s.startedAt} | ${s.endedAt ?? '—'} | ${kind} | ${f('canaryRequests') ?? '—'} | ${f('canaryErrors') ?? '—'} | ${p99 !== undefined && p99 >= 0 ? `${p99} ms` : '—'} | ${escape(s.by ?? '—')} | ${escape(s.verdict?.reasons.join('; ') ?? '')} |`;
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
