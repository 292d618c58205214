import type { RunRecord, StepRecord } from '../domain/run-record.js';
import { stableBeforeRun } from './baseline.js';
import { copyText } from './copy.js';
import { figureOf } from './figures.js';
import { formatNumber, lineChart, type ChartMarker } from './svg-chart.js';
import { timeline, type Timeline } from './timeline.js';
import { escapeXml as x, seconds } from './xml.js';

// The abort marker is red (svg-chart.ts); the SLO lines keep a colour of their own, so neither hides the other.
const COLOR = { stable: '#1565c0', canary: '#ef6c00', slo: '#ad1457', weight: '#6a1b9a' } as const;

/**
 * The run as one self-contained HTML page for a change ticket: a summary, plots over time
 * (weight, request rate, error rate and p99 per revision, with the SLO lines and the abort
 * marker) as inline SVG, every step's verdict and the events. No script and no external
 * asset: it opens from a CI artifact, a mail or a ticket as it is.
 */
export function htmlReport(record: RunRecord): string {
  const t = timeline(record);
  const title = `Canary upgrade ${record.from} → ${record.to}: ${record.outcome}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${x(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>Canary upgrade ${x(record.from)} → ${x(record.to)} <span class="badge ${x(record.outcome)}">${x(record.outcome)}</span></h1>`,
    summary(record),
    '<h2>Over time</h2>',
    charts(record, t),
    '<h2>Steps</h2>',
    stepsTable(record),
    '<h2>Events</h2>',
    `<ol class="events">${record.events.map((e) => `<li><time>${x(e.at)}</time> ${x(e.message)}${e.by ? ` <span class="by">${x(e.by)}</span>` : ''}</li>`).join('')}</ol>`,
    `<footer>Rendered from run record <code>${x(record.id)}</code> (schema ${record.schema}).</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function summary(record: RunRecord): string {
  const ci = record.actor.ciJob ? ` (${link(record.actor.ciUrl, record.actor.ciJob)})` : '';
  const rows: [string, string][] = [
    ['Run', `<code>${x(record.id)}</code>`],
    ['Outcome', `<strong>${x(record.outcome)}</strong>${record.reason ? ` — ${x(record.reason)}` : ''}`],
    ['Last phase', x(record.phase ?? 'none')],
    ['Weight now', `${100 - record.weight}% ${x(record.revisions.stable)} / ${record.weight}% ${x(record.revisions.canary)} (schedule ${record.schedule.join(' → ')})`],
    ...(record.baseline ? [['Stable before the run', x(stableBeforeRun(record) ?? '')] as [string, string]] : []),
    ...(record.copy ? [['Canary copy', x(copyText(record) ?? '')] as [string, string]] : []),
    ['Canary nodes', x(record.canaryNodes.map((n) => n.name).join(', ') || '—')],
    ['Started', `${x(record.startedAt)} by ${x(record.actor.host)}${ci}`],
    ['Ended', ended(record)],
  ];
  return `<table class="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** Records written before `endedAt` existed: the last update of an ended run is its end. */
function ended(record: RunRecord): string {
  const at = record.endedAt ?? (record.outcome === 'running' ? undefined : record.updatedAt);
  return at ? `${x(at)} (${formatNumber(seconds(record.startedAt, at))} s after the start)` : 'not yet';
}

/** Only http(s) links: a record is data from a cluster, never trusted markup. */
function link(url: string | undefined, text: string): string {
  return url && /^https?:\/\//.test(url) ? `<a href="${x(url)}">${x(text)}</a>` : x(text);
}

function charts(record: RunRecord, t: Timeline): string {
  const markers: ChartMarker[] = [...t.steps.map((s) => ({ at: s.at, label: `${s.weight}%`, kind: 'step' as const })), ...(t.abort ? [{ at: t.abort.at, label: shorten(`✕ ${t.abort.label}`, 80), kind: 'abort' as const }] : [])];
  const base = { start: t.start, end: t.end, markers };
  const revs = (p: Timeline['rate']): { name: string; color: string; segments: Timeline['rate']['stable'] }[] => [
    { name: `stable ${record.revisions.stable}`, color: COLOR.stable, segments: p.stable },
    { name: `canary ${record.revisions.canary}`, color: COLOR.canary, segments: p.canary },
  ];
  const budget = t.budgetPct === undefined ? [] : [{ label: `SLO: error budget ${formatNumber(t.budgetPct)}%`, value: t.budgetPct, color: COLOR.slo }];
  const bound = t.p99BoundMs === undefined ? [] : [{ label: `SLO: p99 ≤ ${formatNumber(t.p99BoundMs)} ms`, value: t.p99BoundMs, color: COLOR.slo }];
  return [
    lineChart({ ...base, id: 'chart-weight', title: 'Canary weight on the route', unit: '% to canary', yMax: 100, series: [{ name: `canary ${record.revisions.canary}`, color: COLOR.weight, segments: [t.weight] }] }),
    lineChart({ ...base, id: 'chart-rate', title: 'Request rate per revision', unit: 'responses / s', series: revs(t.rate) }),
    lineChart({ ...base, id: 'chart-errors', title: 'Error rate per revision (non-2xx)', unit: '% of responses', series: revs(t.errorPct), thresholds: budget }),
    lineChart({ ...base, id: 'chart-p99', title: 'p99 latency per revision', unit: 'ms', series: revs(t.p99Ms), thresholds: bound }),
  ].join('\n');
}

function stepsTable(record: RunRecord): string {
  if (record.steps.length === 0) return '<p>No weight step ran.</p>';
  const head = '<tr><th>Weight</th><th>Started</th><th>Took</th><th>Verdict</th><th>Canary responses</th><th>Canary errors</th><th>Canary p99</th><th>By</th><th>Reasons</th></tr>';
  return `<table class="steps">${head}${record.steps.map(stepRow).join('')}</table>`;
}

function stepRow(s: StepRecord): string {
  const f = (name: string): number | undefined => figureOf(s.verdict?.figures, name);
  const p99 = f('canaryP99Ms');
  const kind = s.verdict?.kind ?? (s.endedAt ? 'none' : 'baking');
  const cells = [
    `${s.weight}%`,
    x(s.startedAt),
    s.endedAt ? `${formatNumber(seconds(s.startedAt, s.endedAt))} s` : '—',
    `<span class="verdict ${x(kind)}">${x(kind)}</span>`,
    figure(f('canaryRequests')),
    figure(f('canaryErrors')),
    p99 !== undefined && p99 >= 0 ? `${formatNumber(p99)} ms` : '—',
    x(s.by ?? '—'),
    `<ul>${(s.verdict?.reasons ?? []).map((r) => `<li>${x(r)}</li>`).join('')}</ul>`,
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function figure(v: number | undefined): string {
  return v === undefined ? '—' : formatNumber(v);
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const CSS = [
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}',
  'h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}',
  'table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}',
  '.summary th{background:#f5f5f5;width:140px}.steps ul{margin:0;padding-left:16px}',
  '.badge{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff;background:#757575;vertical-align:middle}',
  '.badge.promoted{background:#2e7d32}.badge.running{background:#1565c0}.badge.aborted,.badge.reverted,.badge.interrupted,.badge.failed{background:#c62828}',
  '.verdict.pass{color:#2e7d32;font-weight:bold}.verdict.fail,.verdict.error,.verdict.inconclusive{color:#c62828;font-weight:bold}.verdict.held{color:#ef6c00;font-weight:bold}',
  'svg.chart{display:block;margin:10px 0;background:#fff}svg .plot{fill:#fafafa;stroke:#ccc}svg .grid{stroke:#e6e6e6}',
  'svg text{font:11px system-ui,sans-serif;fill:#444}svg .chart-title{font-size:13px;font-weight:bold;fill:#222}svg .empty{fill:#999;font-size:13px}',
  '.events{font-size:12px;padding-left:22px}.events time,.by{color:#777}footer{margin-top:24px;color:#888;font-size:12px}',
].join('\n');
