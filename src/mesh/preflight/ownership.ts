import { fail, pass, type CheckResult } from '../checks.js';
import { istiodRelease, ztunnelRelease } from '../charts.js';
import { isOwned } from '../labels.js';
import type { PreflightInput } from './input.js';

export function canaryNamespace({ config, facts }: PreflightInput): CheckResult {
  const ns = facts.namespaces[config.app.canaryNamespace];
  if (!ns) return pass('canary-namespace', 'ownership', `namespace ${config.app.canaryNamespace} is free`);
  if (!isOwned(ns.labels)) return fail('canary-namespace', 'ownership', `namespace ${ns.name} exists and was not created by ambient-canary`, 'move or delete it yourself, or choose another name with --canary-namespace; ambient-canary never takes over objects it did not create');
  if (ns.terminating) return fail('canary-namespace', 'ownership', `namespace ${ns.name} is still being deleted`, 'wait until it is gone, then run again');
  return pass('canary-namespace', 'ownership', `namespace ${ns.name} is ours (a run in progress)`);
}

export function canaryReleases({ config, facts }: PreflightInput): CheckResult {
  const names = [istiodRelease(config.to.name), ztunnelRelease(config.to.name)];
  const foreign = facts.releases.filter((r) => names.includes(r.name) && !r.owned);
  return foreign.length === 0
    ? pass('canary-releases', 'ownership', `Helm releases ${names.join(', ')} are free or ours`)
    : fail('canary-releases', 'ownership', `Helm release(s) ${foreign.map((r) => r.name).join(', ')} exist and were not installed by ambient-canary`, 'uninstall them yourself or upgrade them by hand; ambient-canary never takes over releases it did not install');
}
