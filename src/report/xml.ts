/** Text and attribute escaping for the XML and HTML reports: every value from a record passes here. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string).replace(INVALID_XML, '\uFFFD');
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Control characters are not allowed in XML 1.0 even as references: a verdict reason quoting
// a server's answer could carry one, and a JUnit parser would then reject the whole file.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Seconds between two ISO instants, 3 decimals; 0 when either is missing. */
export function seconds(from: string | undefined, to: string | undefined): number {
  if (!from || !to) return 0;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? Number((ms / 1000).toFixed(3)) : 0;
}
