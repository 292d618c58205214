import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { acceptedKeys, VERBS } from '../../../src/cli/verbs.js';
import { canary, project } from './fake-io.js';

describe('help', () => {
  it.each(VERBS.map((v) => [v.name, v] as const))('`canary %s --help` lists every flag and canary.yaml key it takes', async (name, v) => {
    const ran = await canary([name, '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`Usage: ${v.usage}`);
    const keys = acceptedKeys(v);
    for (const k of keys) if (k.flag) expect(ran.stdout).toMatch(new RegExp(`--${k.flag}\\b`));
    expect(ran.stdout).toContain('--config FILE');
    const yamlLine = ran.stdout.split('\n').find((l) => l.startsWith('In canary.yaml: ')) ?? '';
    const listed = yamlLine.replace('In canary.yaml: ', '').replace(/\.$/, '').split(', ');
    // Flags of one command (extraFlags, such as `step --weight`) have no canary.yaml key.
    expect(listed).toEqual(keys.filter((k) => !(v.extraFlags ?? []).includes(k)).map((k) => k.path));
  });

  it('`canary` alone prints the commands and exits 2', async () => {
    const ran = await canary([]);
    expect(ran.code).toBe(2);
    for (const v of VERBS) expect(ran.stdout).toContain(`  ${v.name}`);
    expect(ran.stdout).toContain('Usage: canary <command> [flags]');
  });

  it.each([['--help'], ['-h'], ['help']])('`canary %s` prints the same help and exits 0', async (flag) => {
    const ran = await canary([flag]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe((await canary([])).stdout);
  });

  it('prints its version', async () => {
    expect(await canary(['--version'])).toEqual({ code: 0, stdout: '0.0.0-test\n', stderr: '' });
  });
});

describe('unknown commands', () => {
  it.each([
    ['upgarde', 'upgrade'],
    ['stauts', 'status'],
    ['plna', 'plan'],
  ])('`canary %s` suggests "%s" and exits 2', async (typo, suggestion) => {
    const ran = await canary([typo]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`unknown command "${typo}"; did you mean "${suggestion}"?`);
  });

  it('points to the list when nothing is near', async () => {
    const ran = await canary(['rollback']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('canary: unknown command "rollback"\nRun `canary --help` for the list.\n');
  });
});

describe('canary plan without a cluster', () => {
  it('prints valid JSON with -o json', async () => {
    const ran = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3', '-o', 'json']);
    expect(ran.code).toBe(0);
    const plan = JSON.parse(ran.stdout) as { runId: string; helm: { controlPlane: { args: string[] }; dataPlane: { args: string[] } } };
    expect(plan.runId).toBe('1-29-6-to-1-30-3');
    expect(plan.helm.controlPlane.args.slice(0, 3)).toEqual(['upgrade', '--install', 'istiod-1-30-3']);
    expect(plan.helm.dataPlane.args).toContain('nodeSelector.istio\\.io/rev=1-30-3');
  });

  it('prints YAML that parses to the same plan as the JSON', async () => {
    const yaml = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3', '-o', 'yaml']);
    const json = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3', '-o', 'json']);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('reads canary.yaml from the current folder, and lets flags win over it', async () => {
    const cwd = project({ 'canary.yaml': 'from: 1.29.6\nto: 1.30.3\napp:\n  name: shop\nsteps:\n  weights: [20, 100]\n' });
    const ran = await canary(['plan', '-o', 'json', '--weights', '50,100'], cwd);
    expect(ran.stderr).toBe('');
    const plan = JSON.parse(ran.stdout) as { namespaces: { canary: string }; route: { steps: { weights: { canary: number } }[] } };
    expect(plan.namespaces.canary).toBe('shop-1-30-3');
    expect(plan.route.steps.map((s) => s.weights.canary)).toEqual([50, 100]);
  });

  it('uses the values files of the target version when the project has them', async () => {
    const cwd = project({ 'revisions/1.30.3/control-plane.yaml': 'pilot: {}\n', 'revisions/1.30.3/data-plane.yaml': 'env: {}\n' });
    const ran = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3'], cwd);
    expect(ran.stdout).toContain('--values revisions/1.30.3/control-plane.yaml');
    expect(ran.stdout).toContain('--values revisions/1.30.3/data-plane.yaml');
  });
});

describe('bad input exits 2 before any cluster call, naming every problem', () => {
  it('refuses `upgrade --from 1.30.3 --to 1.30.3` with a clear message', async () => {
    const ran = await canary(['upgrade', '--from', '1.30.3', '--to', '1.30.3']);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toBe('canary: bad input, nothing was changed:\n  --to: is the version already running (1.30.3): give the version to upgrade to\n');
  });

  it('reports a bad canary.yaml and bad flags all at once', async () => {
    const cwd = project({ 'canary.yaml': 'frm: 1.29.6\nsteps:\n  bake: 0s\n  weights: [10, 50]\n' });
    const ran = await canary(['upgrade', '--to', 'latest', '--weigths', '10,100', '--dry-run=maybe'], cwd);
    expect(ran.code).toBe(2);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('canary: bad input, nothing was changed:');
    expect(lines.slice(1).sort()).toEqual(
      [
        '  --weigths: unknown flag; did you mean --weights?',
        '  --dry-run: expects true or false, got "maybe"',
        '  canary.yaml: frm: unknown key; did you mean from?',
        '  --to: "latest" is not a version or revision name: write 1.30.3 (or 1-30-3)',
        '  canary.yaml: steps.weights: must end at 100 (all traffic on the canary), got 10,50: write for example 10,50,100',
        '  canary.yaml: steps.bake: must be longer than 0 (write for example 30s)',
        '  --from: is required: the version running now, for example --from 1.29.6',
      ].sort(),
    );
  });

  it.each([
    ['a downgrade', ['--from', '1.30.3', '--to', '1.29.6'], '--to: 1.29.6 is older than --from 1.30.3: swap them, or add --allow-downgrade if you mean to go back'],
    ['a missing flag value', ['--from', '1.29.6', '--to'], '--to: needs a value'],
    ['a positional argument', ['--from', '1.29.6', '--to', '1.30.3', 'now'], 'now: `canary plan` takes no arguments, only flags (see --help)'],
    ['a --config file that does not exist', ['--from', '1.29.6', '--to', '1.30.3', '--config', 'missing.yaml'], 'missing.yaml: cannot be read (ENOENT): give a readable file with --config'],
  ])('%s', async (_what, args, line) => {
    const ran = await canary(['plan', ...args]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`  ${line}\n`);
  });

  it('accepts a downgrade with --allow-downgrade', async () => {
    expect((await canary(['plan', '--from', '1.30.3', '--to', '1.29.6', '--allow-downgrade'])).code).toBe(0);
  });

  it('names canary.yaml when it is not valid YAML', async () => {
    const ran = await canary(['plan', '--from', '1.29.6', '--to', '1.30.3'], project({ 'canary.yaml': 'steps: [unclosed\n' }));
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/ {2}canary\.yaml: is not valid YAML: /);
  });
});

describe('commands on a recorded run, given one version only', () => {
  it.each([
    [['status', '--to', '1.30.3'], '--from'],
    [['abort', '--from', '1.29.6'], '--to'],
    [['step', '--to', '1.31.0'], '--from'],
    [['promote', '--from', '1.29.6'], '--to'],
  ])('`canary %j` exits 2 asking for the other, before any cluster call', async (args, missing) => {
    const ran = await canary(args);
    expect(ran.code, ran.stderr).toBe(2);
    expect(ran.stderr).toContain(`${missing}: is missing: a run is named by both versions`);
  });
});
