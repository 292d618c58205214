/** A preflight check's result: what it found and, when not passing, exactly what to do. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export type CheckGroup = 'access' | 'tools' | 'versions' | 'ambient' | 'sidecars' | 'pinning' | 'topology' | 'ownership';

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
