import { hostname } from 'node:os';
import type { RunActor } from '../domain/run-record.js';

/** Who runs this process, from the environment: the host, and the CI job when there is one. */
export function actorOf(env: NodeJS.ProcessEnv): RunActor {
  return { host: hostname(), ciJob: ciJob(env), ciUrl: ciUrl(env) };
}

/** The lock holder's identity: `host[/ci-job]/pid-N`, so a human can find the process. */
export function holderOf(actor: RunActor, pid: number): string {
  return `${actor.host}${actor.ciJob ? `/${actor.ciJob}` : ''}/pid-${pid}`;
}

/** The CI job that runs us, when there is one (GitHub Actions, GitLab CI, Jenkins, Buildkite). */
function ciJob(env: NodeJS.ProcessEnv): string | undefined {
  if (env['GITHUB_RUN_ID']) return `github:${env['GITHUB_REPOSITORY'] ?? ''}/${env['GITHUB_RUN_ID']}`;
  if (env['CI_JOB_ID']) return `gitlab:${env['CI_PROJECT_PATH'] ?? ''}/${env['CI_JOB_ID']}`;
  if (env['BUILD_TAG']) return `jenkins:${env['BUILD_TAG']}`;
  if (env['BUILDKITE_JOB_ID']) return `buildkite:${env['BUILDKITE_JOB_ID']}`;
  return undefined;
}

function ciUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env['GITHUB_RUN_ID'] && env['GITHUB_REPOSITORY']) return `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`;
  return env['CI_JOB_URL'] ?? env['BUILD_URL'] ?? env['BUILDKITE_BUILD_URL'] ?? undefined;
}

/**
 * True when a lock holder is a process of this very host that no longer exists, so its
 * lease need not be waited out. Only for holders without a CI job: CI runners may share a
 * host name across machines, and a pid means nothing on another machine.
 */
export function holderGone(holder: string): boolean {
  const match = /^(.+)\/pid-(\d+)$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  try {
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
