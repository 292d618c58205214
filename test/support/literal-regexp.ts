/**
 * A RegExp whose interpolated values match literally: re`the mesh runs ${TO_REV}` escapes the
 * dots and dashes of a version, so a test's pattern can name the demo's versions.
 */
export function re(strings: TemplateStringsArray, ...values: string[]): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(strings.raw.reduce((out, part, i) => out + part + (i < values.length ? escape(values[i] as string) : ''), ''));
}
