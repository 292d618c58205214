import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseArgv, type ParsedArgv } from '../config/argv.js';
import { flattenConfigFile, mergeValues } from '../config/file.js';
import { resolveConfig } from '../config/resolve.js';
import type { RunConfig } from '../config/types.js';
import { InputError, type Problem } from '../domain/errors.js';
import { acceptedKeys, type Verb } from './verbs.js';

export interface Settings {
  readonly argv: ParsedArgv;
  /** Values by key path (file overridden by flags), before conversion. */
  readonly values: Record<string, unknown>;
  readonly fromFlags: ReadonlySet<string>;
  readonly fileName: string;
  /** Problems in the flags or the file, reported together with those of the values. */
  readonly problems: readonly Problem[];
}

const DEFAULT_FILE = 'canary.yaml';

/**
 * Reads flags and canary.yaml (the given --config, or ./canary.yaml when present) into
 * raw values. Every problem in either is collected before anything else happens.
 */
export function readSettings(v: Verb, args: readonly string[], cwd: string): Settings {
  const argv = parseArgv(args, acceptedKeys(v));
  const problems: Problem[] = [...argv.problems];
  if (argv.positionals.length > 0) problems.push({ path: argv.positionals.join(' '), message: `\`canary ${v.name}\` takes no arguments, only flags (see --help)` });
  const explicit = argv.configFile;
  const fileName = explicit ?? DEFAULT_FILE;
  const path = explicit ?? (existsSync(`${cwd}/${DEFAULT_FILE}`) ? `${cwd}/${DEFAULT_FILE}` : undefined);
  let fileValues: Record<string, unknown> = {};
  if (path !== undefined) {
    const read = readConfigFile(path, fileName);
    problems.push(...read.problems);
    fileValues = read.values;
  }
  const flagValues = Object.fromEntries(Object.entries(argv.values).filter(([k]) => !isCommandFlag(k)));
  return { argv, values: mergeValues(fileValues, flagValues), fromFlags: new Set(Object.keys(flagValues)), fileName, problems };
}

function readConfigFile(path: string, fileName: string): { values: Record<string, unknown>; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { values: {}, problems: [{ path: fileName, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a readable file with --config` }] };
  }
  try {
    return flattenConfigFile(parseYaml(text), fileName);
  } catch (error) {
    return { values: {}, problems: [{ path: fileName, message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }] };
  }
}

/** Every problem at once: those of the flags and file, then those of the values. */
export function settingsToConfig(settings: Settings, requireVersions: boolean, env: { kubeconfig?: string | undefined }, defaults: Record<string, unknown> = {}): RunConfig {
  try {
    const config = resolveConfig({ values: { ...defaults, ...settings.values }, fromFlags: settings.fromFlags, fileName: settings.fileName, requireVersions, env });
    if (settings.problems.length > 0) throw new InputError(settings.problems);
    return config;
  } catch (error) {
    if (!(error instanceof InputError) || settings.problems.length === 0 || error.problems === settings.problems) throw error;
    throw new InputError([...settings.problems, ...error.problems]);
  }
}

/** Flags of one command (`--weight`, `--format`, `--force-unlock`) that are not settings and have no canary.yaml key. */
function isCommandFlag(path: string): boolean {
  return path.startsWith('step.') || path.startsWith('report.') || path.startsWith('lock.');
}
