import { execa, type ExecaError } from 'execa';
import { InfraError } from '../domain/errors.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { HelmResult, HelmRunner } from './ports.js';

export interface ExecaHelmOptions {
  readonly bin: string;
  /** Passed to helm as --kube-context / --kubeconfig so helm and the API client agree. */
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly onCommand?: ((line: string) => void) | undefined;
}

/** Runs helm with argument arrays (never a shell), cancelled by the run's AbortSignal. */
export class ExecaHelmRunner implements HelmRunner {
  constructor(private readonly options: ExecaHelmOptions) {}

  async run(invocation: HelmInvocation, signal: AbortSignal): Promise<HelmResult> {
    const args = [...invocation.args, ...this.clusterArgs()];
    this.options.onCommand?.(formatInvocation(invocation));
    const started = Date.now();
    try {
      // An uninstall runs in a process group of its own: Ctrl-C in a terminal (or a CI runner's
      // SIGTERM) goes to the whole foreground group, and a second one must not kill the helm
      // of a revert that promised to finish. The CLI still stops it through `signal` when it
      // means to. Installs stay in the group: if the CLI is killed outright, no orphaned helm
      // install may race the run that resumes it; an orphaned uninstall only finishes its job.
      const detached = invocation.args[0] === 'uninstall';
      const spawn = () => execa(invocation.bin, args, { cancelSignal: signal, reject: true, stdin: 'ignore', detached });
      const result = await spawn().catch((error: unknown) => {
        if (!strayGroupSignal(detached, signal.aborted, (error as ExecaError).signal)) throw error;
        this.options.onCommand?.(`${formatInvocation(invocation)} (again: a signal to the CLI's process group reached helm before it left the group)`);
        return spawn();
      });
      return { stdout: result.stdout, stderr: result.stderr, durationMs: Date.now() - started };
    } catch (error) {
      throw helmFailure(invocation, error as ExecaError);
    }
  }

  async version(signal: AbortSignal): Promise<string> {
    try {
      const result = await execa(this.options.bin, ['version', '--short'], { cancelSignal: signal, stdin: 'ignore' });
      return result.stdout.trim();
    } catch (error) {
      throw helmFailure({ bin: this.options.bin, args: ['version', '--short'], release: '', namespace: '', mutates: false }, error as ExecaError);
    }
  }

  private clusterArgs(): string[] {
    return [
      ...(this.options.kubeconfig ? ['--kubeconfig', this.options.kubeconfig] : []),
      ...(this.options.context ? ['--kube-context', this.options.context] : []),
    ];
  }
}

/**
 * Pure: a detached helm died of a terminal's or CI runner's signal that the CLI did not send
 * (its own cancel aborts `signal`). Between fork and setsid the child is still in the CLI's
 * process group, so a Ctrl-C landing in that instant reaches it (seen under load: the second
 * SIGINT of a revert killed its `helm uninstall`). Running it once more keeps the revert's
 * promise; an uninstall killed part-way is continued by the next one (helm uninstalls a
 * release left `uninstalling`).
 */
export function strayGroupSignal(detached: boolean, cancelled: boolean, killedBy: string | undefined): boolean {
  return detached && !cancelled && (killedBy === 'SIGINT' || killedBy === 'SIGTERM' || killedBy === 'SIGHUP');
}

function helmFailure(invocation: HelmInvocation, error: ExecaError): InfraError {
  const command = formatInvocation(invocation);
  if (error.isCanceled) return new InfraError(`cancelled: ${command}`, { cause: error });
  if ((error as { code?: string }).code === 'ENOENT') {
    return new InfraError(`helm was not found as "${invocation.bin}"`, {
      fix: 'install Helm 3.13 or newer (https://helm.sh/docs/intro/install/) or point --helm (istio.helm in canary.yaml) at its binary',
      cause: error,
    });
  }
  const reason = String(error.stderr ?? '').trim().split('\n').slice(-3).join(' ') || error.shortMessage;
  return new InfraError(`helm failed (exit ${error.exitCode ?? '?'}): ${reason}`, {
    object: invocation.release ? `Helm release ${invocation.namespace}/${invocation.release}` : undefined,
    fix: chartFix(reason) ?? `run it by hand to see the whole output: ${command}`,
    cause: error,
  });
}

/** Helm's most common failures, with what to do about them. */
function chartFix(reason: string): string | undefined {
  if (/chart .*not found|no chart version found|failed to fetch|404/i.test(reason)) {
    return 'check --chart-repo and --chart-version: the chart version must exist in that repo (helm show chart istiod --repo <repo> --version <v>)';
  }
  if (/invalid ownership metadata|exists and cannot be imported/i.test(reason)) {
    return 'another Helm release owns an object this chart creates; see the object named above';
  }
  if (/timed out waiting/i.test(reason)) return 'pods did not become Ready in time: raise --helm-timeout or look at the pods of the release';
  return undefined;
}
