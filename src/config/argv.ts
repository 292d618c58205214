import type { Problem } from '../domain/errors.js';
import type { KeySpec } from './keys.js';

/** Raw values by key path: strings from flags, booleans from switches. */
export type RawValues = Record<string, string | boolean>;

export interface ParsedArgv {
  readonly values: RawValues;
  readonly positionals: readonly string[];
  readonly configFile: string | undefined;
  readonly help: boolean;
  readonly problems: readonly Problem[];
}

/**
 * Parses `--name value`, `--name=value`, `--switch`, `--no-switch`, `-o json` against the
 * flags a command accepts. Every unknown or malformed flag is a problem (with the nearest
 * known flag as a hint), so one run reports them all.
 */
export function parseArgv(argv: readonly string[], accepted: readonly KeySpec[]): ParsedArgv {
  const values: RawValues = {};
  const positionals: string[] = [];
  const problems: Problem[] = [];
  let configFile: string | undefined;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const { name, inline } = splitFlag(token);
    if (name === 'help' || name === 'h') {
      help = true;
      continue;
    }
    const negated = name.startsWith('no-') ? accepted.find((k) => k.flag === name.slice(3) && k.kind === 'boolean') : undefined;
    const spec = negated ?? accepted.find((k) => k.flag === name || k.short === name);
    // An unknown flag followed by a plain word most likely took it as its value.
    const takesValue = name === 'config' || (spec !== undefined && spec.kind !== 'boolean') || (spec === undefined && inline === undefined && argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-'));
    let value: string | undefined = inline;
    if (takesValue && value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
        problems.push({ path: `--${name}`, message: 'needs a value' });
        continue;
      }
      value = next;
      i++;
    }
    if (name === 'config') {
      configFile = value;
    } else if (!spec) {
      problems.push({ path: token.split('=')[0] as string, message: unknownFlagMessage(name, accepted) });
    } else if (spec.kind === 'boolean') {
      const parsed = negated ? false : parseBoolean(value);
      if (parsed === undefined) problems.push({ path: `--${name}`, message: `expects true or false, got "${value}"` });
      else values[spec.path] = parsed;
    } else {
      values[spec.path] = value as string;
    }
  }
  return { values, positionals, configFile, help, problems };
}

function splitFlag(token: string): { name: string; inline: string | undefined } {
  const body = token.replace(/^--?/, '');
  const eq = body.indexOf('=');
  return eq < 0 ? { name: body, inline: undefined } : { name: body.slice(0, eq), inline: body.slice(eq + 1) };
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function unknownFlagMessage(name: string, accepted: readonly KeySpec[]): string {
  const known = ['config', ...accepted.flatMap((k) => (k.flag ? [k.flag] : []))];
  const nearest = closest(name, known);
  return nearest ? `unknown flag; did you mean --${nearest}?` : 'unknown flag; see --help';
}

/** The known word within edit distance 2 (or a prefix match), if any. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = candidate.startsWith(word) || word.startsWith(candidate) ? 1 : editDistance(word, candidate);
    if (d <= 2 && (!best || d < best.distance)) best = { word: candidate, distance: d };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}
