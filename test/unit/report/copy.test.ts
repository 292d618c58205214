import { describe, expect, it } from 'vitest';
import type { CopyRecord, RunRecord } from '../../../src/domain/run-record.js';
import { copyText } from '../../../src/report/copy.js';
import { htmlReport } from '../../../src/report/html.js';
import { junitReport } from '../../../src/report/junit.js';
import { markdownReport } from '../../../src/report/markdown.js';
import { statusTable } from '../../../src/report/status-table.js';
import { abortedAt50 } from './builders.js';

const COPY: CopyRecord = {
  copied: ['ServiceAccount/web', 'Secret/db', 'AuthorizationPolicy/web', 'Deployment/web'],
  accepted: ['CronJob/nightly: left out, as copy.skip accepts: a copy would run every schedule twice, side effects and all'],
  rewrites: ['AuthorizationPolicy/web: spec.rules[0].from[0].source.namespaces: shop → shop-1-31', 'AuthorizationPolicy/web: spec.rules[0].from[0].source.principals: a → b'],
  mentions: ['ConfigMap/urls key api'],
};
const TEXT = '4 object(s) copied, 1 with references rewritten; not copied faithfully (copy.skip): CronJob/nightly; text naming the stable namespace, not rewritten: ConfigMap/urls key api';
const withCopy = (r: RunRecord): RunRecord => ({ ...r, copy: COPY });

describe('what the canary copy left out, in status and every report (issue 13)', () => {
  it('words it once for all of them, by name', () => {
    expect(copyText(withCopy(abortedAt50()))).toBe(TEXT);
    expect(copyText(abortedAt50())).toBeUndefined();
  });

  it('appears in status, Markdown, HTML and JUnit, and not for a record without a copy', () => {
    const run = withCopy(abortedAt50());
    expect(statusTable(run)).toContain(`\n  copy      ${TEXT}\n`);
    expect(markdownReport(run)).toContain(`| Canary copy | ${TEXT} |`);
    expect(htmlReport(run)).toContain(`<tr><th>Canary copy</th><td>${TEXT}</td></tr>`);
    expect(junitReport(run)).toContain(`<property name="canaryCopy" value="${TEXT}"/>`);
    for (const report of [statusTable(abortedAt50()), markdownReport(abortedAt50()), htmlReport(abortedAt50()), junitReport(abortedAt50())]) expect(report).not.toMatch(/[Cc]anary ?[Cc]opy|\n {2}copy /);
  });
});
