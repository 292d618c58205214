import type { Ports } from '../orchestrator/context.js';
import { inspectQuery } from '../orchestrator/preflight.js';
import { observeRun, type ObservedRun } from '../report/observed.js';
import type { SelectedRun } from './run-select.js';

/**
 * What the cluster holds for a recorded run now (route, nodes, releases, namespace, lock),
 * for `canary status`. A cluster that cannot be read does not hide the record: the reason
 * is returned instead, and status still prints what the record says.
 */
export async function observeCluster(ports: Ports, run: SelectedRun, signal: AbortSignal): Promise<ObservedRun | { readonly error: string }> {
  const { config, plan, stored } = run;
  try {
    const [facts, lock] = await Promise.all([ports.reader.inspect(inspectQuery(config), signal), ports.lock.holder(signal)]);
    return observeRun({ record: stored.record, facts, route: plan.route.context, nodeLabel: config.nodes.label, canaryNamespace: config.app.canaryNamespace, lock, at: ports.clock().toISOString() });
  } catch (error) {
    return { error: `could not read the cluster to compare: ${error instanceof Error ? error.message : String(error)}` };
  }
}
