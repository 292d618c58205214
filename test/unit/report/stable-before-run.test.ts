import { describe, expect, it } from 'vitest';
import type { BaselineRecord, RunRecord } from '../../../src/domain/run-record.js';
import { stableBeforeRun } from '../../../src/report/baseline.js';
import { renderReport } from '../../../src/report/formats.js';
import { htmlReport } from '../../../src/report/html.js';
import { junitReport } from '../../../src/report/junit.js';
import { markdownReport } from '../../../src/report/markdown.js';
import { statusTable } from '../../../src/report/status-table.js';
import { abortedAt50, promotedRun } from './builders.js';

/** The stable as preflight measured it: 98.8%, under a 99.5% objective. */
const OUT_OF_BUDGET: BaselineRecord = { requests: 2480, errors: 28, successRate: 2452 / 2480, p99Ms: 12.34, durationMs: 5000, measuredAt: '2026-11-23T11:59:55.000Z', objective: { successRate: 0.995, p99Ms: 500 } };
const TEXT = '98.8% of 2,480 requests (objective 99.5%) with p99 12.3 ms (bound 500 ms): out of budget (5 s at 2026-11-23T11:59:55.000Z)';

function withBaseline(r: RunRecord, baseline: BaselineRecord = OUT_OF_BUDGET): RunRecord {
  return { ...r, baseline };
}

describe('the stable before the run, in status and every report (issue 15)', () => {
  it('words it once for all of them', () => {
    expect(stableBeforeRun(withBaseline(promotedRun()))).toBe(TEXT);
    expect(stableBeforeRun(promotedRun())).toBeUndefined();
  });

  it('canary status', () => {
    expect(statusTable(withBaseline(abortedAt50()))).toContain(`\n  stable    before the run: ${TEXT}\n`);
    expect(statusTable(abortedAt50())).not.toContain('before the run');
  });

  it('Markdown: a row of the summary', () => {
    expect(markdownReport(withBaseline(abortedAt50()))).toContain(`| Stable before the run | ${TEXT} |`);
    expect(markdownReport(abortedAt50())).not.toContain('Stable before the run');
  });

  it('HTML: a row of the summary', () => {
    expect(htmlReport(withBaseline(abortedAt50()))).toContain(`<tr><th>Stable before the run</th><td>${TEXT}</td></tr>`);
    expect(htmlReport(abortedAt50())).not.toContain('Stable before the run');
  });

  it('JUnit: a property of the suite, and beside every judged step\'s reasons', () => {
    const xml = junitReport(withBaseline(abortedAt50()));
    expect(xml).toContain(`<property name="stableBeforeRun" value="${TEXT}"/>`);
    expect(xml).toMatch(/<failure message="fail: fast burn[^"]*" type="fail">fast burn[^<]*\nstable before the run: 98\.8% of 2,480 requests/);
    expect(junitReport(abortedAt50())).not.toContain('before the run');
  });

  it('JSON: the record\'s baseline as it is', () => {
    expect(JSON.parse(renderReport('json', withBaseline(promotedRun()))).baseline).toEqual(OUT_OF_BUDGET);
  });
});
