import { describe, expect, it } from 'vitest';
import { closest, parseArgv } from '../../../src/config/argv.js';
import { KEYS } from '../../../src/config/keys.js';

const parse = (...argv: string[]) => parseArgv(argv, KEYS);

describe('parseArgv: values', () => {
  it.each([
    [['--from', '1.29.6'], { from: '1.29.6' }],
    [['--from=1.29.6'], { from: '1.29.6' }],
    [['-o', 'json'], { output: 'json' }],
    [['-o=yaml'], { output: 'yaml' }],
    [['--output', 'table'], { output: 'table' }],
    [['--dry-run'], { dryRun: true }],
    [['--dry-run=false'], { dryRun: false }],
    [['--no-dry-run'], { dryRun: false }],
    [['--keep-canary', '--no-default-tag'], { keepCanary: true, 'istio.defaultTag': false }],
    [['-y'], { yes: true }],
    [['--weights', '10,50,100', '--bake', '30s'], { 'steps.weights': '10,50,100', 'steps.bake': '30s' }],
    [['--node-count', '-1'], { 'nodes.count': '-1' }],
  ])('%j gives %j', (argv, values) => {
    const parsed = parse(...argv);
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual(values);
  });

  it('lets the last of a repeated flag win', () => {
    expect(parse('--from', '1.28.0', '--from', '1.29.6').values).toEqual({ from: '1.29.6' });
  });

  it('reads --config and --help apart from the settings', () => {
    const parsed = parse('--config', 'ci/canary.yaml', '--help');
    expect(parsed).toMatchObject({ configFile: 'ci/canary.yaml', help: true, values: {}, problems: [] });
    expect(parse('-h').help).toBe(true);
  });

  it('keeps plain words and everything after -- as positionals', () => {
    expect(parse('extra', '--from', '1.29.6', '--', '--to', '1.30.3').positionals).toEqual(['extra', '--to', '1.30.3']);
  });
});

describe('parseArgv: problems', () => {
  it.each([
    [['--fro', '1.29.6'], '--fro', /did you mean --from\?/],
    [['--weigths=10,100'], '--weigths', /did you mean --weights\?/],
    [['--dryrun'], '--dryrun', /did you mean --dry-run\?/],
    [['--completely-unrelated'], '--completely-unrelated', /see --help/],
  ])('%j is an unknown flag named %s with a hint', (argv, path, message) => {
    const parsed = parse(...argv);
    expect(parsed.problems).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('does not take the value of an unknown flag as a positional', () => {
    expect(parse('--fro', '1.29.6').positionals).toEqual([]);
  });

  it.each([
    [['--from'], '--from'],
    [['--from', '--to', '1.30.3'], '--from'],
    [['-o'], '--o'],
    [['--bake', '-o', 'json'], '--bake'],
    [['--config'], '--config'],
  ])('%j reports that %s needs a value', (argv, path) => {
    expect(parse(...argv).problems).toContainEqual({ path, message: 'needs a value' });
  });

  it('still reads the flags after one that lacks its value', () => {
    expect(parse('--from', '--to', '1.30.3').values).toEqual({ to: '1.30.3' });
  });

  it('refuses a switch given something other than true or false', () => {
    expect(parse('--dry-run=maybe').problems).toEqual([{ path: '--dry-run', message: 'expects true or false, got "maybe"' }]);
  });

  it('does not negate a flag that is not a switch', () => {
    const problems = parse('--no-from').problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('--no-from');
  });

  it('refuses a flag the command does not accept', () => {
    const only = KEYS.filter((k) => ['from', 'to'].includes(k.path));
    expect(parseArgv(['--weights', '10,100'], only).problems).toEqual([{ path: '--weights', message: 'unknown flag; see --help' }]);
  });

  it('reports every problem of one command line at once', () => {
    const paths = parse('--fro', '1', '--dry-run=maybe', '--weigths', '1', '--to').problems.map((p) => p.path);
    expect(paths).toEqual(['--fro', '--dry-run', '--weigths', '--to']);
  });
});

describe('closest', () => {
  const verbs = ['upgrade', 'plan', 'step', 'status', 'abort', 'promote', 'doctor', 'prepare'];
  it.each([
    ['upgrad', 'upgrade'],
    ['stauts', 'status'],
    ['promot', 'promote'],
    ['abrot', 'abort'],
    ['docter', 'doctor'],
    ['rollback', undefined],
    ['x', undefined],
  ])('%s -> %s', (word, expected) => {
    expect(closest(word, verbs)).toBe(expected);
  });
});
