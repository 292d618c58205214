import type { Problem } from '../domain/errors.js';
import { closest } from './argv.js';
import { KEYS } from './keys.js';
import type { RawValues } from './argv.js';

/** Keys whose value may be an object or list in canary.yaml rather than a scalar. */
const COMPOUND = new Set(KEYS.filter((k) => ['ref', 'header', 'weights', 'list'].includes(k.kind)).map((k) => k.path));
const PATHS = new Set(KEYS.map((k) => k.path));
const PREFIXES = new Set(KEYS.flatMap((k) => k.path.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.'))));

/**
 * Flattens a parsed canary.yaml into values by key path. Unknown keys are problems, with
 * the nearest known key as a hint, so a typo never silently falls back to a default.
 */
export function flattenConfigFile(doc: unknown, fileName: string): { values: Record<string, unknown>; problems: Problem[] } {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  if (doc === null || doc === undefined) return { values, problems };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push({ path: fileName, message: 'expects a mapping of settings (key: value)' });
    return { values, problems };
  }
  walk(doc as Record<string, unknown>, '', values, problems, fileName);
  return { values, problems };
}

function walk(obj: Record<string, unknown>, prefix: string, values: Record<string, unknown>, problems: Problem[], fileName: string): void {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${key}` : key;
    // A mapping under a scalar setting goes on too, so its conversion says what to write.
    if (PATHS.has(path) && (COMPOUND.has(path) || !isMapping(value) || !PREFIXES.has(path))) {
      values[path] = value;
    } else if (PREFIXES.has(path) && isMapping(value)) {
      walk(value as Record<string, unknown>, path, values, problems, fileName);
    } else if (PREFIXES.has(path)) {
      problems.push({ path: `${fileName}: ${path}`, message: 'expects a mapping of settings' });
    } else {
      const depth = path.split('.').length;
      const siblings = [...PATHS, ...PREFIXES].filter((k) => k.split('.').length === depth);
      const hint = closest(path, siblings);
      problems.push({ path: `${fileName}: ${path}`, message: hint ? `unknown key; did you mean ${hint}?` : 'unknown key' });
    }
  }
}

function isMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flags win over the file. */
export function mergeValues(file: Record<string, unknown>, flags: RawValues): Record<string, unknown> {
  return { ...file, ...flags };
}
