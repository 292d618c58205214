import { hostname } from 'node:os';
import type { RunConfig } from '../config/types.js';
import { ExecaHelmRunner } from '../helm/execa-runner.js';
import { createKubePorts } from '../kube/index.js';
import { readLoadProfile } from '../load/profile-file.js';
import { SloStepJudge } from '../load/slo-judge.js';
import { HttpSmokeTester } from '../load/smoke.js';
import type { Ports } from '../orchestrator/context.js';
import type { Plan } from '../plan/build.js';
import { GatewayApiRouter } from '../routing/router.js';

export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  readonly pid: number;
  readonly say: (line: string) => void;
}

/** The composition root: the only place that builds real implementations of the ports. */
export function composePorts(config: RunConfig, plan: Plan, environment: Environment): Ports {
  const kube = createKubePorts({ kubeconfig: config.kube.kubeconfig, context: config.kube.context, onRetry: environment.say, toolVersion: environment.version });
  const helm = new ExecaHelmRunner({ bin: config.istio.helmBinary, kubeconfig: config.kube.kubeconfig, context: config.kube.context });
  const router = new GatewayApiRouter({ store: kube.routeStore(config.route), context: plan.route.context, timeoutMs: config.timeouts.rolloutMs });
  const actor = { host: hostname(), ciJob: ciJob(environment.env) };
  return {
    reader: kube.reader,
    nodes: kube.nodes,
    workloads: kube.workloads,
    router,
    helm,
    runs: kube.runStore(config.state.namespace),
    lock: kube.runLock(config.state.namespace),
    smoke: new HttpSmokeTester(),
    judge: new SloStepJudge(config.slo, readLoadProfile(config.load.profile)),
    clock: () => new Date(),
    actor,
    holder: `${actor.host}${actor.ciJob ? `/${actor.ciJob}` : ''}/pid-${environment.pid}`,
  };
}

/** The CI job that runs us, when there is one (GitHub Actions, GitLab CI, Jenkins, Buildkite). */
function ciJob(env: NodeJS.ProcessEnv): string | undefined {
  if (env['GITHUB_RUN_ID']) return `github:${env['GITHUB_REPOSITORY'] ?? ''}/${env['GITHUB_RUN_ID']}`;
  if (env['CI_JOB_ID']) return `gitlab:${env['CI_PROJECT_PATH'] ?? ''}/${env['CI_JOB_ID']}`;
  if (env['BUILD_TAG']) return `jenkins:${env['BUILD_TAG']}`;
  if (env['BUILDKITE_JOB_ID']) return `buildkite:${env['BUILDKITE_JOB_ID']}`;
  return undefined;
}
