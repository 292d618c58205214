import { writeFileSync } from 'node:fs';
import { InputError } from '../../domain/errors.js';
import { markdownReport } from '../../report/markdown.js';
import { selectRun } from '../run-select.js';
import type { Command } from './context.js';

const FORMATS = ['markdown', 'json'] as const;

/** `canary report --format markdown|json [--file FILE]`: the run record rendered; reads only. */
export const reportCommand: Command = async ({ settings, io, signal }) => {
  const format = settings.argv.values['report.format'] ?? 'markdown';
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format)) {
    throw new InputError([{ path: '--format', message: `expects ${FORMATS.join(' or ')}, got "${String(format)}"` }]);
  }
  const { stored } = await selectRun(settings, io, signal);
  const text = format === 'json' ? `${JSON.stringify(stored.record, null, 2)}\n` : markdownReport(stored.record);
  const file = settings.argv.values['report.file'];
  if (typeof file === 'string') {
    writeFileSync(file, text);
    io.stderr(`report written to ${file}\n`);
  } else io.stdout(text);
  return 0;
};
