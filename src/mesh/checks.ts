/** A preflight check's result: what it found and, when not passing, exactly what to do. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export type CheckGroup = 'access' | 'tools' | 'versions' | 'ambient' | 'sidecars' | 'pinning' | 'topology' | 'ownership' | 'baseline';

export interface CheckResult {
  readonly id: string;
  readonly group: CheckGroup;
  readonly status: CheckStatus;
  readonly message: string;
  readonly fix?: string | undefined;
}

export function pass(id: string, group: CheckGroup, message: string): CheckResult {
  return { id, group, status: 'pass', message };
}

export function fail(id: string, group: CheckGroup, message: string, fix: string): CheckResult {
  return { id, group, status: 'fail', message, fix };
}

export function warn(id: string, group: CheckGroup, message: string, fix: string): CheckResult {
  return { id, group, status: 'warn', message, fix };
}

export function failures(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === 'fail');
}

/**
 * The phases of a preflight, in the order a migration assistant walks them (and doctor prints
 * them). `baseline` is last because it is: the stable is measured under load only once every
 * read-only check passed (src/mesh/preflight/stable-slo.ts).
 */
export const GROUPS: readonly CheckGroup[] = ['access', 'tools', 'versions', 'ambient', 'sidecars', 'pinning', 'topology', 'ownership', 'baseline'];

/** Results in phase order; within a phase, in the order they were made. */
export function inPhaseOrder(results: readonly CheckResult[]): CheckResult[] {
  return GROUPS.flatMap((g) => results.filter((r) => r.group === g));
}

export interface GroupSummary {
  readonly group: CheckGroup;
  /** The worst status in the group. */
  readonly status: CheckStatus;
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
}

/** One line per phase that has checks: its worst status and the counts. */
export function summarizeGroups(results: readonly CheckResult[]): GroupSummary[] {
  return GROUPS.flatMap((group) => {
    const mine = results.filter((r) => r.group === group);
    if (mine.length === 0) return [];
    const count = (s: CheckStatus): number => mine.filter((r) => r.status === s).length;
    const status: CheckStatus = count('fail') > 0 ? 'fail' : count('warn') > 0 ? 'warn' : 'pass';
    return [{ group, status, pass: count('pass'), warn: count('warn'), fail: count('fail') }];
  });
}
