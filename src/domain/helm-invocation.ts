/**
 * A helm command as data: run by one execa runner with an argument array, printed as-is by
 * `canary plan` and `--dry-run`, so what is shown is exactly what runs.
 */
export interface HelmInvocation {
  readonly bin: string;
  readonly args: readonly string[];
  /** The release and namespace it acts on, for messages and ownership checks. */
  readonly release: string;
  readonly namespace: string;
  /** Read-only invocations (status, list, show) still run in a dry run. */
  readonly mutates: boolean;
}

/** A shell-safe rendering for humans (never executed). */
export function formatInvocation(inv: HelmInvocation): string {
  return [inv.bin, ...inv.args].map(quote).join(' ');
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
