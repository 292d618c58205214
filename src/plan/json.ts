/** Reading the apiserver's JSON, which has no schema here: what the copy modules share. */
export type Json = Record<string, unknown>;

/** A field as a plain object, or undefined. */
export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A string matched literally inside a RegExp. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
