import { appendFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../domain/errors.js';
import { formatOfFile, renderReport, REPORT_FORMATS, type ReportFormat } from '../../report/formats.js';
import { selectRun } from '../run-select.js';
import type { Settings } from '../settings.js';
import type { Command } from './context.js';

/**
 * `canary report [--format F] [-o FILE]`: the run record rendered; reads only. In a GitHub
 * Actions job the Markdown report also lands in the job's summary ($GITHUB_STEP_SUMMARY).
 */
export const reportCommand: Command = async ({ settings, io, signal }) => {
  const { file, format } = reportTarget(settings);
  const { stored } = await selectRun(settings, io, signal);
  const text = renderReport(format, stored.record);
  if (file !== undefined) {
    writeFileSync(file, text);
    io.stderr(`${format} report written to ${file}\n`);
  } else io.stdout(text);
  // Once per job, not once per format: a job that also writes JUnit and HTML gets one summary.
  const summary = io.env['GITHUB_STEP_SUMMARY'];
  if (summary && format === 'markdown') {
    appendFileSync(summary, text);
    io.stderr(`Markdown report appended to $GITHUB_STEP_SUMMARY\n`);
  }
  return 0;
};

/** Where and in which format, checked before the cluster is read (bad input changes nothing). */
function reportTarget(settings: Settings): { file: string | undefined; format: ReportFormat } {
  const rawFile = settings.argv.values['report.file'];
  const file = typeof rawFile === 'string' ? rawFile : undefined;
  // Elsewhere -o names an output format: `report -o json` almost surely meant --format json.
  if (file !== undefined && ['table', 'json', 'yaml'].includes(file)) {
    throw new InputError([{ path: '-o', message: `names the FILE to write for \`canary report\`; for the format use --format ${file === 'yaml' ? 'json' : file === 'table' ? 'markdown' : file} (or write to a file of that name with -o ./${file})` }]);
  }
  const raw = settings.argv.values['report.format'] ?? (file === undefined ? undefined : formatOfFile(file)) ?? 'markdown';
  if (typeof raw !== 'string' || !(REPORT_FORMATS as readonly string[]).includes(raw)) {
    throw new InputError([{ path: '--format', message: `expects ${REPORT_FORMATS.join(', ')}, got "${String(raw)}"` }]);
  }
  return { file, format: raw as ReportFormat };
}
