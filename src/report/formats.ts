import type { RunRecord } from '../domain/run-record.js';
import { htmlReport } from './html.js';
import { junitReport } from './junit.js';
import { markdownReport } from './markdown.js';

/** Every report `canary report` renders from a run record, each a pure function. */
export const REPORT_FORMATS = ['markdown', 'json', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDER: Readonly<Record<ReportFormat, (record: RunRecord) => string>> = {
  markdown: markdownReport,
  json: (record) => `${JSON.stringify(record, null, 2)}\n`,
  junit: junitReport,
  html: htmlReport,
};

export function renderReport(format: ReportFormat, record: RunRecord): string {
  return RENDER[format](record);
}

/** The format a file name implies (`report.html`, `junit.xml`), so `-o FILE` alone is enough. */
export function formatOfFile(file: string): ReportFormat | undefined {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  const byExt: Readonly<Record<string, ReportFormat>> = { md: 'markdown', markdown: 'markdown', json: 'json', xml: 'junit', html: 'html', htm: 'html' };
  return ext === undefined ? undefined : byExt[ext];
}
