import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/domain/errors.js';
import { formatError } from '../../../src/cli/messages.js';
import { stableCluster, userRoute } from '../../support/scenario.js';
import { runUpgrade, setup } from './harness.js';

describe('bad input found after the run has changed the cluster', () => {
  it('a route edited since preflight (no stable backend left) is exit 1 with the way on, not exit 2 "nothing was changed"', async () => {
    const cluster = stableCluster();
    cluster.beforeMutation = (op) => {
      // Someone repoints the route while the canary workloads are being deployed.
      if (op === 'apply Namespace /bookinfo-1-30-3') cluster.route.spec.rules![0]!.backendRefs = [{ name: 'productpage', namespace: 'elsewhere', port: 9080 }];
    };
    const error = await runUpgrade(cluster, setup()).catch((e: unknown) => e);
    expect(cluster.journal).toContain('helm upgrade istiod-1-30-3');
    expect(error).toBeInstanceOf(InfraError);
    const { text, exitCode } = formatError(error);
    expect(exitCode).toBe(1);
    expect(text).not.toMatch(/nothing was changed/);
    expect(text).toMatch(/sends no traffic to namespace bookinfo-1-29-6/);
    expect(text).toMatch(/fix: .*canary abort/);
    expect(cluster.route.spec.rules?.[1]).toEqual(userRoute().spec.rules?.[1]);
  });
});
