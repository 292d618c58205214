import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { HelmResult, HelmRunner } from './ports.js';

/**
 * For --dry-run: records every mutating invocation instead of running it, so the dry run
 * prints exactly what a real run would execute. Read-only ones still run.
 */
export class RecordingHelmRunner implements HelmRunner {
  readonly recorded: HelmInvocation[] = [];

  constructor(
    private readonly inner: HelmRunner,
    private readonly onRecord?: (line: string) => void,
  ) {}

  async run(invocation: HelmInvocation, signal: AbortSignal): Promise<HelmResult> {
    if (invocation.mutates) {
      this.recorded.push(invocation);
      this.onRecord?.(formatInvocation(invocation));
      return { stdout: '', stderr: '', durationMs: 0 };
    }
    return this.inner.run(invocation, signal);
  }

  version(signal: AbortSignal): Promise<string> {
    return this.inner.version(signal);
  }
}
