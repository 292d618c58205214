import { cloneOptions } from '../../plan/manifests.js';
import { planCopy } from '../../plan/copy-plan.js';
import { fail, pass, warn, type CheckResult } from '../checks.js';
import { listed, type PreflightInput } from './input.js';

/**
 * `copy-faithful` and `copy-differences` (issue 13): the canary copy decided before anything
 * changes, from the stable namespace as the copy reads it. Any object no copy can reproduce
 * is a failure naming each, unless copy.skip accepts it by name; what is accepted, free text
 * naming the stable namespace, and copy.skip entries that accept nothing are warnings.
 */
export function copyFaithful({ config, mesh }: PreflightInput): CheckResult {
  const plan = planCopy(mesh.stableObjects, cloneOptions(config));
  const stable = config.app.stableNamespace;
  const refused = plan.inventory.entries.filter((e) => e.disposition === 'refused');
  if (refused.length > 0) {
    return fail(
      'copy-faithful',
      'topology',
      `the canary copy of ${stable} would not be faithful: ${refused.map((e) => `${e.ref} (${e.why})`).join('; ')}`,
      `remove them from ${stable}, or accept each difference by name: copy.skip: [${refused.map((e) => e.ref).join(', ')}] (flag --copy-skip); nothing was changed`,
    );
  }
  const left = plan.inventory.entries.filter((e) => e.disposition === 'leave').length;
  const rewritten = new Set(plan.rewrites.map((r) => r.slice(0, r.indexOf(':')))).size;
  return pass('copy-faithful', 'topology', `${plan.objects.length} object(s) of ${stable} will be copied (${rewritten} with references rewritten to ${config.app.canaryNamespace}); ${left} left to what makes them: ${listed(plan.objects.map((o) => `${o.kind}/${o.metadata.name}`))}`);
}

export function copyDifferences({ config, mesh }: PreflightInput): CheckResult | undefined {
  const plan = planCopy(mesh.stableObjects, cloneOptions(config));
  const stable = config.app.stableNamespace;
  const accepted = plan.inventory.entries.filter((e) => e.disposition === 'accepted').map((e) => `${e.ref}: ${e.why}`);
  const unused = plan.inventory.unusedSkips.map((s) => `copy.skip names ${s}, which is not an object of ${stable} the copy refuses (copy.skip cannot leave out what is copied faithfully)`);
  const mentions = plan.mentions.map((m) => `${m} names namespace ${stable} in its text: copied as it is, not rewritten`);
  const all = [...accepted, ...unused, ...mentions];
  if (all.length === 0) return undefined;
  return warn('copy-differences', 'topology', `the canary copy differs from ${stable}: ${all.join('; ')}`, 'check each difference is one you accept; remove stale copy.skip entries');
}
