import { resolveConfig } from '../../../src/config/resolve.js';
import { InputError } from '../../../src/domain/errors.js';

/** Resolves `values` (as from a config file, or from flags for the paths in `fromFlags`) for 1.29.6 → 1.30.3. */
export const resolve = (values: Record<string, unknown>, fromFlags: string[] = []) =>
  resolveConfig({ values: { from: '1.29.6', to: '1.30.3', ...values }, fromFlags: new Set(fromFlags), fileName: 'canary.yaml', requireVersions: true, env: {} });

/** The problems a user would be shown, as `path: message`; none when the input resolves. */
export function problems(values: Record<string, unknown>, fromFlags: string[] = []): string[] {
  try {
    resolve(values, fromFlags);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}
