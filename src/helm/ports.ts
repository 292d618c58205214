import type { HelmInvocation } from '../domain/helm-invocation.js';

export interface HelmResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Runs helm commands given as data. Failures are InfraError with helm's reason and a fix. */
export interface HelmRunner {
  run(invocation: HelmInvocation, signal: AbortSignal): Promise<HelmResult>;
  /** `helm version --short`; InfraError saying how to install helm when it is missing. */
  version(signal: AbortSignal): Promise<string>;
}
