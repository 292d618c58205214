/**
 * Every failure the user can see is one of these: a class per exit code, carrying the
 * object it concerns, the cause, and the flag or command that fixes it.
 */
export const ExitCode = {
  ok: 0,
  infrastructure: 1,
  badInput: 2,
  aborted: 3,
  locked: 4,
  held: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** The object concerned, as `Kind namespace/name`. */
  readonly object?: string;
  /** What the user should run or change. */
  readonly fix?: string;
  readonly cause?: unknown;
}

export abstract class CanaryError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly object: string | undefined;
  readonly fix: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.object = details.object;
    this.fix = details.fix;
  }
}

/** One thing wrong with the input, at a path such as `steps.weights[1]` or `--from`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** Bad input: nothing was changed. Carries every problem found, not just the first. */
export class InputError extends CanaryError {
  readonly exitCode = ExitCode.badInput;
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], details: ErrorDetails = {}) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'), details);
    this.problems = problems;
  }
}

/** The cluster, helm or another system failed or refused. */
export class InfraError extends CanaryError {
  readonly exitCode = ExitCode.infrastructure;
}

/** A refusal to touch an object ambient-canary did not create. */
export class OwnershipError extends CanaryError {
  readonly exitCode = ExitCode.infrastructure;
}

/**
 * A step of the run that it will not, or could not, take itself (istio-base's validator at
 * promote, when that release is not Helm's or its upgrade failed): nothing was reverted, and
 * `command` is exactly what to run before resuming; `fix` says both. Resumable: the same
 * command (`canary promote`, `canary upgrade`) continues from there.
 */
export class ManualStepError extends CanaryError {
  readonly exitCode = ExitCode.infrastructure;
  readonly command: string;

  constructor(message: string, command: string, details: Omit<ErrorDetails, 'fix'> & { readonly resume: string }) {
    super(message, { ...details, fix: `run \`${command}\`, then \`${details.resume}\`` });
    this.command = command;
  }
}

/** The SLO was breached; traffic is back on the stable revision. */
export class AbortedError extends CanaryError {
  readonly exitCode = ExitCode.aborted;
}

/**
 * The mesh policy held a step: both revisions break the SLO alike (the application fails,
 * not the upgrade). Nothing was reverted: traffic stays split at the step's weight, the run
 * stays running, and the user decides: `canary step` goes on, `canary abort` reverts.
 */
export class HeldError extends CanaryError {
  readonly exitCode = ExitCode.held;
}

/** Another run holds the lock. */
export class LockedError extends CanaryError {
  readonly exitCode = ExitCode.locked;
  readonly holder: string;
  readonly since: string | undefined;

  constructor(holder: string, since: string | undefined, details: ErrorDetails = {}) {
    super(`another run holds the lock: ${holder}${since ? ` (since ${since})` : ''}`, details);
    this.holder = holder;
    this.since = since;
  }
}

/** Ctrl-C or SIGTERM; traffic was reverted before exiting. */
export class InterruptedError extends CanaryError {
  readonly exitCode = ExitCode.interrupted;
}

export function isCanaryError(err: unknown): err is CanaryError {
  return err instanceof CanaryError;
}
