import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.js';
import { formatInvocation } from '../../../src/domain/helm-invocation.js';
import { prepare, preparePlan } from '../../../src/orchestrator/prepare.js';
import { fakePorts } from '../../support/fake-ports.js';
import { stableCluster } from '../../support/scenario.js';
import { setup } from './harness.js';

const never = new AbortController().signal;
const quiet = { say: () => undefined, retitle: () => undefined };

/** The demo's mesh before `canary prepare`: the stable ztunnel on every node, no node labelled. */
function unpinned(extraNodes: Record<string, Record<string, string>> = {}) {
  const cluster = stableCluster();
  for (const node of cluster.nodes.values()) delete node.labels['istio.io/rev'];
  for (const [name, labels] of Object.entries(extraNodes)) cluster.nodes.set(name, { labels, taints: [], unschedulable: false, pods: 0 });
  cluster.releases.set('ztunnel-1-29-6', { owned: true, args: [] });
  return cluster;
}

describe('canary prepare', () => {
  it('plans to label every node the stable ztunnel runs on and pin its release there, saying how many pods restart', async () => {
    const run = setup();
    const plan = await preparePlan(run.config, fakePorts(unpinned(), run.plan), never);
    expect(plan).toMatchObject({ alreadyPinned: false, release: 'ztunnel-1-29-6', nodes: ['node-1', 'node-2', 'node-3'], restarts: 3 });
    expect(formatInvocation(plan.invocation)).toBe("helm upgrade ztunnel-1-29-6 ztunnel --repo https://blob.istio.io/istio-release/charts --version 1.29.6 --namespace istio-system --reuse-values --wait --timeout 5m --set-string 'nodeSelector.istio\\.io/rev=1-29-6'");
  });

  it('labels, then pins, then waits for the pinned DaemonSet', async () => {
    const cluster = unpinned();
    const run = setup();
    const ports = fakePorts(cluster, run.plan);
    await prepare(run.config, ports, await preparePlan(run.config, ports, never), quiet, never);
    expect(cluster.journal).toEqual(['label node-1 istio.io/rev=1-29-6', 'label node-2 istio.io/rev=1-29-6', 'label node-3 istio.io/rev=1-29-6', 'helm upgrade ztunnel-1-29-6']);
  });

  it('has nothing to do for a ztunnel already pinned to its revision', async () => {
    const run = setup();
    expect((await preparePlan(run.config, fakePorts(stableCluster(), run.plan), never)).alreadyPinned).toBe(true);
  });

  it('pins a ztunnel whose selector would still pick a node labelled for another revision', async () => {
    const cluster = unpinned();
    cluster.releases.set('ztunnel-1-29-6', { owned: true, args: ['nodeSelector.kubernetes\\.io/os=linux'] });
    for (const node of cluster.nodes.values()) node.labels['kubernetes.io/os'] = 'linux';
    const run = setup();
    expect((await preparePlan(run.config, fakePorts(cluster, run.plan), never)).alreadyPinned).toBe(false);
  });

  it('refuses when pinning would leave a node labelled for another revision without a ztunnel', async () => {
    const run = setup();
    const error = await preparePlan(run.config, fakePorts(unpinned({ 'node-old': { 'istio.io/rev': '1-28-0' } }), run.plan), never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/node-old \(istio.io\/rev=1-28-0\).*without a ztunnel.*kubectl label node NAME istio.io\/rev=1-29-6 --overwrite/);
  });

  it('refuses a stable version whose ztunnel chart has no nodeSelector (before 1.23)', async () => {
    const cluster = unpinned();
    cluster.releases.delete('ztunnel-1-29-6');
    cluster.releases.set('ztunnel-1-22-3', { owned: true, args: [] });
    const run = setup({ from: '1.22.3', to: '1.23.0' });
    const error = await preparePlan(run.config, fakePorts(cluster, run.plan), never).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Istio 1\.22\.3 has no nodeSelector \(added in 1\.23\).*upgrade it in place/);
  });

  it('refuses when there is no stable ztunnel, naming the flags to check', async () => {
    const run = setup({ from: '1.28.0' });
    const error = await preparePlan(run.config, fakePorts(stableCluster(), run.plan), never).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/no ztunnel DaemonSet of revision 1-28-0.*--from, --istio-namespace and --stable-ztunnel-release/);
  });
});
