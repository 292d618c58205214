import type { RunConfig } from '../config/types.js';
import { ExecaHelmRunner } from '../helm/execa-runner.js';
import { createKubePorts } from '../kube/index.js';
import { LoadSource } from '../load/load-source.js';
import { readLoadProfile } from '../load/profile-file.js';
import { HttpSmokeTester } from '../load/smoke.js';
import { queriesOf } from '../metrics/istio-queries.js';
import { PrometheusSource } from '../metrics/prometheus-source.js';
import { SourcesStepJudge } from '../metrics/step-judge.js';
import type { Ports } from '../orchestrator/context.js';
import type { StableProbe, StepJudge } from '../load/ports.js';
import { LoadStableProbe } from '../load/stable-probe.js';
import { InfraError } from '../domain/errors.js';
import type { Plan } from '../plan/build.js';
import { GatewayApiRouter } from '../routing/router.js';
import { actorOf, holderGone, holderOf } from './actor.js';
import { LOCK } from './messages.js';

export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  readonly pid: number;
  readonly say: (line: string) => void;
}

/** What one call of a command asks of the ports beyond the settings. */
export interface ComposeOptions {
  /** `--force-unlock`: take the run lock even from a live holder. */
  readonly forceUnlock?: boolean | undefined;
  /**
   * The command bakes weight steps (upgrade, step): read and check the load profile now.
   * Others (abort above all) must not be stopped by a profile they never use.
   */
  readonly bakes?: boolean | undefined;
}

const NO_BAKE: StepJudge = {
  bake: () => Promise.reject(new InfraError('this command does not bake weight steps (a bug: it asked for load)')),
};

/** The composition root: the only place that builds real implementations of the ports. */
export function composePorts(config: RunConfig, plan: Plan, environment: Environment, options: ComposeOptions = {}): Ports {
  const kube = createKubePorts({ kubeconfig: config.kube.kubeconfig, context: config.kube.context, onRetry: environment.say, toolVersion: environment.version });
  const helm = new ExecaHelmRunner({ bin: config.istio.helmBinary, kubeconfig: config.kube.kubeconfig, context: config.kube.context });
  const router = new GatewayApiRouter({ store: kube.routeStore(config.route), context: plan.route.context, timeoutMs: config.timeouts.rolloutMs });
  const actor = actorOf(environment.env);
  const holder = holderOf(actor, environment.pid);
  const onTakeover = (previous: Parameters<typeof LOCK.takenOver>[0], why: 'forced' | 'gone'): void => environment.say(LOCK.takenOver(previous, why));
  return {
    reader: kube.reader,
    nodes: kube.nodes,
    workloads: kube.workloads,
    router,
    helm,
    runs: kube.runStore(config.state.namespace),
    lock: kube.runLock(config.state.namespace, { force: options.forceUnlock, holderGone: (h) => h !== holder && holderGone(h), onTakeover }),
    smoke: new HttpSmokeTester(),
    judge: options.bakes ? stepJudge(config) : NO_BAKE,
    probe: stableProbe(config),
    events: kube.routeEvents({ route: config.route, instance: holder, onError: environment.say }),
    clock: () => new Date(),
    actor,
    holder,
  };
}

/**
 * Preflight's probe of the stable (`upgrade`, `doctor`). The load profile is read when the
 * probe runs, not here: `doctor` then reports a bad profile on the stable-slo line instead of
 * refusing to check anything (`upgrade` has refused it already, since it bakes).
 */
function stableProbe(config: RunConfig): StableProbe {
  return { measure: async (request, signal) => new LoadStableProbe(config.slo, readLoadProfile(config.load.profile)).measure(request, signal) };
}

/** The configured metrics sources (`metrics.sources`), judged together (src/slo/sources.ts). */
function stepJudge(config: RunConfig): StepJudge {
  const { prometheus } = config.metrics;
  const sources = config.metrics.sources.map((name) =>
    name === 'load'
      ? new LoadSource(config.slo, readLoadProfile(config.load.profile))
      : new PrometheusSource({
          url: prometheus.url ?? '',
          timeoutMs: prometheus.timeoutMs,
          queries: queriesOf(prometheus),
          everyMs: config.slo.windowMs,
          namespaces: { stable: config.app.stableNamespace, canary: config.app.canaryNamespace },
        }),
  );
  return new SourcesStepJudge(config.slo, sources);
}
