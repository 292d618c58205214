import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../domain/errors.js';
import { parseProfile, type LoadProfile } from './profile.js';

/**
 * The profile that ships with the tool. Two folders up from src/load and dist/load alike,
 * so it is found from a checkout and from an installed package (package.json `files`).
 */
export const DEFAULT_PROFILE = fileURLToPath(new URL('../../loadtests/default.yaml', import.meta.url));

/** Reads and checks a load profile; every problem is reported as `file: field: message` (exit 2). */
export function readLoadProfile(path: string | undefined): LoadProfile {
  const file = path ?? DEFAULT_PROFILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError([{ path: `load profile ${file}`, message: `cannot be read (${code}): give a readable file with --load-profile` }]);
  }
  let doc: unknown;
  try {
    // maxAliasCount 0: a profile is plain data, and alias bombs are refused outright.
    doc = parseYaml(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (error) {
    throw new InputError([{ path: `load profile ${file}`, message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const { profile, problems } = parseProfile(doc);
  if (!profile) throw new InputError(problems.map((p) => ({ path: `${file}: ${p.path}`, message: p.message })));
  return profile;
}
