import { AbortedError } from '../domain/errors.js';
import type { Reporter, RunContext } from './context.js';
import { updateRecord } from './record.js';

/**
 * Adds the canary backends at weight 0 and the header rule (verified Accepted at the new
 * generation), then sends smoke requests that only the canary serves.
 */
export async function smokeTest(ctx: RunContext, report: Reporter): Promise<void> {
  const original = await ctx.ports.router.reconcile(ctx.signal);
  if (ctx.stored.record.originalWeights === undefined) await updateRecord(ctx, (r) => (r.originalWeights = original));
  report.say(`route ${ctx.config.route.namespace}/${ctx.config.route.name}: canary backends added at weight 0, header rule accepted`);
  const result = await ctx.ports.smoke.smoke(
    { url: ctx.gatewayUrl as string, path: ctx.config.smoke.path, header: ctx.config.smoke.header, requests: ctx.config.smoke.requests, expectRevision: ctx.config.to.name },
    ctx.signal,
  );
  report.say(`${result.succeeded}/${result.sent} smoke requests served by ${ctx.config.to.name}`);
  if (result.succeeded < result.sent) {
    throw new AbortedError(`smoke test failed: ${result.sent - result.succeeded} of ${result.sent} requests to the canary failed (${result.failures.join(', ')})`);
  }
}
