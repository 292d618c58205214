import type { V1DaemonSet, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { done, notYet, pollUntil, PollTimeout, type Clock } from '../../../src/kube/poll.js';
import { daemonSetProblem, podProblems, rolloutProblem } from '../../../src/kube/wait.js';

function deployment(spec: number, status: V1Deployment['status'], generation = 2): V1Deployment {
  return { metadata: { name: 'web', generation }, spec: { replicas: spec, selector: {}, template: {} }, status: { observedGeneration: 2, ...status } };
}

describe('rolloutProblem', () => {
  it('is ready when every replica is updated and available and no old pod remains', () => {
    expect(rolloutProblem(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))).toBeUndefined();
    expect(rolloutProblem(deployment(0, {}))).toBeUndefined();
  });

  it('waits for the controller to observe the latest generation', () => {
    expect(rolloutProblem(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 3))).toMatch(/generation 3 not yet observed/);
  });

  it('says why, with the conditions that explain a stall', () => {
    const why = rolloutProblem(
      deployment(3, {
        replicas: 4,
        updatedReplicas: 2,
        availableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
        ],
      }),
    );
    expect(why).toBe('2/3 updated, 1/3 available, 1 old pods terminating; Available=False (MinimumReplicasUnavailable): Deployment does not have minimum availability.');
  });
});

describe('daemonSetProblem', () => {
  const ds = (status: Partial<NonNullable<V1DaemonSet['status']>>): V1DaemonSet => ({ metadata: { generation: 1 }, status: { observedGeneration: 1, currentNumberScheduled: 0, numberMisscheduled: 0, ...status } as V1DaemonSet['status'] });

  it('is ready only at numberReady == desired == expected > 0, all updated', () => {
    expect(daemonSetProblem(ds({ desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2 }), 2)).toBeUndefined();
    expect(daemonSetProblem(ds({ desiredNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2 }), 2)).toBe('desired 2 (expected 2), ready 1, updated 2');
    expect(daemonSetProblem(ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 }), 2)).toBe('desired 3 (expected 2), ready 3, updated 3');
  });

  it('never calls a DaemonSet on no node ready (helm --wait does)', () => {
    expect(daemonSetProblem(ds({ desiredNumberScheduled: 0, numberReady: 0, updatedNumberScheduled: 0 }), 1)).toMatch(/matches no node/);
  });
});

describe('podProblems', () => {
  it('names unschedulable pods and containers stuck waiting', () => {
    const pods: V1Pod[] = [
      { metadata: { name: 'a' }, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 node(s) had untolerated taint.' }] } },
      { metadata: { name: 'b' }, status: { containerStatuses: [{ name: 'web', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }] } },
      { metadata: { name: 'c' }, status: { containerStatuses: [{ name: 'web', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } },
    ];
    expect(podProblems(pods)).toEqual([
      'pod a unschedulable: 0/3 nodes are available: 3 node(s) had untolerated taint.',
      'pod b container web: ImagePullBackOff (not found)',
    ]);
  });
});

describe('pollUntil', () => {
  function fakeClock(): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      slept.push(ms);
      t += ms;
    };
    return { slept, now: () => t, sleep };
  }
  const signal = new AbortController().signal;

  it('returns as soon as the probe is done', async () => {
    let looks = 0;
    const clock = fakeClock();
    const value = await pollUntil(async () => (++looks < 3 ? notYet('not yet') : done('ok')), { timeoutMs: 10_000, intervalMs: 500, signal, clock });
    expect(value).toBe('ok');
    expect(clock.slept).toEqual([500, 500]);
  });

  it('throws the last reason at the deadline, never sleeping past it', async () => {
    let looks = 0;
    const clock = fakeClock();
    const run = pollUntil(async () => notYet(`look ${++looks}`), { timeoutMs: 1200, intervalMs: 500, signal, clock });
    await expect(run).rejects.toEqual(new PollTimeout('look 4'));
    expect(clock.slept).toEqual([500, 500, 200]);
  });
});
