import type { RunRecord } from '../domain/run-record.js';

/**
 * The canary copy in one line, for every report (issue 13): how many objects were copied and
 * rewritten, and by name what copy.skip accepted as not copied faithfully. Names only.
 */
export function copyText(record: RunRecord): string | undefined {
  const c = record.copy;
  if (!c) return undefined;
  const rewritten = new Set(c.rewrites.map((r) => r.slice(0, r.indexOf(':')))).size;
  const accepted = c.accepted.map((a) => a.slice(0, a.indexOf(':')));
  const differs = accepted.length > 0 ? `; not copied faithfully (copy.skip): ${accepted.join(', ')}` : '';
  const mentions = c.mentions.length > 0 ? `; text naming the stable namespace, not rewritten: ${c.mentions.join(', ')}` : '';
  return `${c.copied.length} object(s) copied, ${rewritten} with references rewritten${differs}${mentions}`;
}
