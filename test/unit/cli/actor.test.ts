import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { actorOf, holderGone, holderOf } from '../../../src/cli/actor.js';

describe('who runs a command', () => {
  it('names the CI job and links to it (GitHub Actions, GitLab CI)', () => {
    const github = actorOf({ GITHUB_RUN_ID: '991', GITHUB_REPOSITORY: 'shop/mesh', GITHUB_SERVER_URL: 'https://github.example.com' });
    expect(github).toEqual({ host: hostname(), ciJob: 'github:shop/mesh/991', ciUrl: 'https://github.example.com/shop/mesh/actions/runs/991' });
    const gitlab = actorOf({ CI_JOB_ID: '77', CI_PROJECT_PATH: 'ops/mesh', CI_JOB_URL: 'https://gitlab.example.com/ops/mesh/-/jobs/77' });
    expect(gitlab).toMatchObject({ ciJob: 'gitlab:ops/mesh/77', ciUrl: 'https://gitlab.example.com/ops/mesh/-/jobs/77' });
    expect(holderOf(github, 42)).toBe(`${hostname()}/github:shop/mesh/991/pid-42`);
    expect(actorOf({})).toEqual({ host: hostname(), ciJob: undefined, ciUrl: undefined });
  });

  it('knows a lock holder is gone only for a process of this host without a CI job', () => {
    expect(holderGone(`${hostname()}/pid-${process.pid}`)).toBe(false);
    expect(holderGone(`${hostname()}/pid-2147483646`)).toBe(true);
    expect(holderGone(`${hostname()}/github:shop/mesh/991/pid-2147483646`)).toBe(false);
    expect(holderGone('another-host/pid-2147483646')).toBe(false);
  });
});
