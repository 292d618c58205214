import type { RunRecord, StepRecord } from '../domain/run-record.js';
import { stableBeforeRun } from './baseline.js';
import { copyText } from './copy.js';
import { escapeXml as x, seconds } from './xml.js';

/**
 * The run as JUnit XML, for CI test tabs: one test case per weight of the schedule (a
 * failed, inconclusive or errored verdict fails it, with the verdict's reasons), and one
 * for the run's outcome, so a run that ended before any step (a smoke test that failed)
 * still shows red. Weights the run never reached are skipped, as is a step still baking.
 */
export function junitReport(record: RunRecord): string {
  const cases = [...record.schedule.map((w) => stepCase(record, w)), outcomeCase(record)];
  const count = (kind: TestCase['kind']): number => cases.filter((c) => c.kind === kind).length;
  const time = seconds(record.startedAt, record.endedAt ?? record.updatedAt);
  const totals = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${time}"`;
  const suite = `canary ${record.from} -> ${record.to}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ambient-canary" ${totals}>`,
    `  <testsuite name="${x(suite)}" ${totals} timestamp="${x(record.startedAt)}" hostname="${x(record.actor.host)}">`,
    '    <properties>',
    ...properties(record).map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`),
    '    </properties>',
    ...cases.map((c) => render(c, record.id)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

interface TestCase {
  readonly name: string;
  readonly time: number;
  readonly kind: 'passed' | 'failure' | 'error' | 'skipped';
  /** One line: the failure's message attribute, or why it was skipped. */
  readonly message?: string;
  /** The body: every reason on its own line, then the figures. */
  readonly detail?: string;
  /** The failure's type attribute: the verdict kind (fail, inconclusive, error) or the outcome. */
  readonly type?: string;
}

function properties(record: RunRecord): [string, string][] {
  const props: [string, string][] = [
    ['run', record.id],
    ['outcome', record.outcome],
    ['phase', record.phase ?? 'none'],
    ['weight', String(record.weight)],
    ['startedBy', record.actor.host + (record.actor.ciJob ? ` (${record.actor.ciJob})` : '')],
  ];
  if (record.actor.ciUrl) props.push(['ciUrl', record.actor.ciUrl]);
  const stable = stableBeforeRun(record);
  if (stable) props.push(['stableBeforeRun', stable]);
  const copy = copyText(record);
  if (copy) props.push(['canaryCopy', copy]);
  if (record.reason) props.push(['reason', record.reason]);
  return props;
}

function stepCase(record: RunRecord, weight: number): TestCase {
  const step = [...record.steps].reverse().find((s) => s.weight === weight);
  const name = `weight ${weight}%`;
  if (!step) return { name, time: 0, kind: 'skipped', message: record.outcome === 'running' ? 'not reached yet' : `not reached: the run ended ${record.outcome}` };
  const time = seconds(step.startedAt, step.endedAt);
  const v = step.verdict;
  if (!v) {
    if (record.outcome === 'running') return { name, time, kind: 'skipped', message: 'baking: no verdict yet' };
    return { name, time, kind: 'error', type: 'no-verdict', message: `no verdict: the run ended ${record.outcome} during this step${record.reason ? ` (${record.reason})` : ''}` };
  }
  // A step is read against what the stable did before the run: the test tab shows it beside the verdict.
  const stable = stableBeforeRun(record);
  const detail = [...v.reasons, ...(stable ? [`stable before the run: ${stable}`] : []), '', figuresText(v.figures), by(step)].join('\n').trim();
  if (v.kind === 'pass') return { name, time, kind: 'passed', detail };
  return { name, time, kind: v.kind === 'error' ? 'error' : 'failure', type: v.kind, message: `${v.kind}: ${v.reasons.join('; ')}`, detail };
}

function outcomeCase(record: RunRecord): TestCase {
  const time = seconds(record.startedAt, record.endedAt ?? record.updatedAt);
  const name = `outcome (${record.from} -> ${record.to})`;
  if (record.outcome === 'promoted') return { name, time, kind: 'passed', detail: `promoted at ${record.endedAt ?? record.updatedAt}` };
  if (record.outcome === 'running') return { name, time, kind: 'skipped', message: `still running: last phase ${record.phase ?? 'none'}, weight ${record.weight}%` };
  const kind = record.outcome === 'failed' ? 'error' : 'failure';
  return { name, time, kind, type: record.outcome, message: `${record.outcome}${record.reason ? `: ${record.reason}` : ''}`, detail: record.events.slice(-10).map((e) => `${e.at} ${e.message}`).join('\n') };
}

function figuresText(figures: Readonly<Record<string, number>>): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function by(step: StepRecord): string {
  return step.by ? `run by ${step.by}` : '';
}

function render(c: TestCase, runId: string): string {
  const open = `    <testcase classname="ambient-canary.${x(runId)}" name="${x(c.name)}" time="${c.time}"`;
  const message = x(c.message ?? '');
  switch (c.kind) {
    case 'passed':
      return c.detail ? `${open}>\n      <system-out>${x(c.detail)}</system-out>\n    </testcase>` : `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case 'failure':
    case 'error':
      return `${open}>\n      <${c.kind} message="${message}" type="${x(c.type ?? c.kind)}">${x(c.detail ?? c.message ?? '')}</${c.kind}>\n    </testcase>`;
  }
}
