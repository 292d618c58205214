import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { acceptedKeys, verb } from '../../src/cli/verbs.js';

/**
 * Generated malformed input for the CLI (issue 9): every case is the demo's valid command
 * line with exactly one thing wrong, and names the field the error message must name.
 * `@DIR@` in args, files and field stands for a scratch folder the runner makes.
 *
 * The oracles here are written apart from src/config (looser or stricter on purpose), so a
 * case is malformed by construction rather than by asking the code under test.
 */
export interface BadInput {
  readonly kind: 'version' | 'weights' | 'duration' | 'slo' | 'config-file' | 'load-profile' | 'unknown-flag';
  readonly verb: string;
  readonly args: readonly string[];
  /** File name (under @DIR@) -> content. */
  readonly files: Readonly<Record<string, string>>;
  /** What the message must name: a `--flag`, `FILE: key` or `FILE: field`. */
  readonly field: string;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_CONFIG = `${root}test/cluster/demo/canary.yaml`;
const FROM = '1.29.6';
const TO = '1.30.3';
const VERSIONS = ['--from', FROM, '--to', TO];

const bad = (kind: BadInput['kind'], v: string, args: string[], field: string, files: Record<string, string> = {}): BadInput => ({ kind, verb: v, args, files, field });
const withDemo = (args: string[]): string[] => [...args, '--config', DEMO_CONFIG];

/** Words that are no version by any reading: no three numbers separated by dots or dashes. */
const notAVersion = fc
  .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('1.30', '1.30.x', 'latest', '1..3', 'v', '1_30_3', 'one.two.three', '1,30,3', '1.30.3!', 'master'))
  .filter((s) => !/^\s*v?\d+[.-]\d+[.-]\d+/.test(s) && !s.startsWith('-'));

const versionCase = fc.oneof(
  fc.tuple(fc.constantFrom('from', 'to'), notAVersion, fc.constantFrom('upgrade', 'plan', 'doctor')).map(([which, value, v]) => {
    const args = which === 'from' ? ['--from', value, '--to', TO] : ['--from', FROM, '--to', value];
    return bad('version', v, withDemo(args), `--${which}`);
  }),
  // Well-formed but wrong: the same version twice, or a downgrade without --allow-downgrade.
  fc.constantFrom(['1.29.6', '1.29.6'], ['1.30.3', '1.29.6'], ['1-29-6', '1.29.6'], ['2.0.0', '1.30.3']).map(([from, to]) => bad('version', 'upgrade', withDemo(['--from', from as string, '--to', to as string]), '--to')),
);

function validWeights(text: string): boolean {
  const parts = text.split(',').map((s) => s.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) return false;
  const ws = parts.map(Number);
  return ws.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > (ws[i - 1] as number))) && ws.at(-1) === 100;
}

const weightsCase = fc
  .array(fc.oneof(fc.integer({ min: -20, max: 250 }), fc.constantFrom('', 'x', '1.5', '5%', '0x10')), { maxLength: 6 })
  .map((items) => items.join(','))
  .filter((text) => !validWeights(text) && !/^-[^\d]/.test(text))
  .map((text) => bad('weights', 'upgrade', withDemo([...VERSIONS, '--weights', text]), '--weights'));

/** Duration flags and the least each accepts (ms), as documented in `--help`. */
const DURATIONS: readonly [string, number][] = [['bake', 1], ['rollout-timeout', 1000], ['drain-timeout', 1000], ['helm-timeout', 1000], ['slo-p99', 1], ['slo-window', 1000]];

const durationText = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }).map(String),
  fc.constantFrom('0s', '0ms', '0m0s', '5 s', '1d', '1w', '5sec', 'm5', '1.s', 'forever', '', '-5s', '1e3s', 'PT5S', '10s5'),
  fc.string({ maxLength: 8 }).filter((s) => !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s.trim()) && !/^-[^\d]/.test(s)),
);

const durationCase = fc.oneof(
  fc.tuple(fc.constantFrom(...DURATIONS), durationText).map(([[flag], text]) => bad('duration', 'upgrade', withDemo([...VERSIONS, `--${flag}`, text]), `--${flag}`)),
  // Well-formed but below the flag's floor (only those with a floor above 1 ms).
  fc.tuple(fc.constantFrom(...DURATIONS.filter(([, min]) => min > 1)), fc.integer({ min: 1, max: 999 })).map(([[flag], ms]) => bad('duration', 'plan', withDemo([...VERSIONS, `--${flag}`, `${ms}ms`]), `--${flag}`)),
);

const decimal = (s: string): number | undefined => (/^\d+(\.\d+)?%?$/.test(s.trim()) ? Number(s.trim().replace(/%$/, '')) : undefined);
const numberText = fc.oneof(fc.double({ noNaN: true, min: -1e7, max: 1e7 }).map(String), fc.integer({ min: -10, max: 2_000_000 }).map(String), fc.constantFrom('', 'abc', '99,5', '1e2', 'NaN', 'Infinity', '99.5.1', '0x20'));

const SLO: readonly [string, (s: string) => boolean][] = [
  ['slo-success-rate', (s) => ((n) => n !== undefined && n > 0 && n < 100)(decimal(s))],
  ['slo-p99-ratio', (s) => ((n) => n !== undefined && n > 1 && n <= 100)(decimal(s))],
  ['slo-min-samples', (s) => /^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 1_000_000],
  ['smoke-requests', (s) => /^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 100_000],
];

const sloCase = fc
  .tuple(fc.constantFrom(...SLO), numberText)
  .filter(([[, valid], text]) => !valid(text) && !/^-[^\d]/.test(text))
  .map(([[flag], text]) => bad('slo', 'upgrade', withDemo([...VERSIONS, `--${flag}`, text]), `--${flag}`));

/** One key of canary.yaml set to something it cannot be. */
const FILE_VALUES: readonly [string, fc.Arbitrary<unknown>][] = [
  ['steps.weights', fc.constantFrom([50, 10, 100], [10, 50], [], [0, 100], ['ten', 100], 'all', [10, 10, 100])],
  ['steps.bake', fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom('soon', '0s', '', '10 minutes', true))],
  ['slo.successRate', fc.constantFrom(100, 0, -1, 150, 'high', '100%', null)],
  ['slo.p99', fc.constantFrom(500, '0ms', 'fast', [])],
  ['smoke.requests', fc.constantFrom(0, -1, 1.5, 'many', 100_001)],
  ['route', fc.constantFrom('bookinfo', 'a/b/c', 'Istio-Ingress/bookinfo', { namespace: 'istio_ingress', name: 'bookinfo' }, 42)],
  ['output', fc.constantFrom('xml', 'JSON', 1, true)],
  ['dryRun', fc.constantFrom('yes', 1, 'no')],
  ['istio.namespace', fc.constantFrom('Istio_System', 'a'.repeat(64), '-istio', '')],
  ['timeouts.rollout', fc.constantFrom('500ms', '2', 'later', 0)],
];

function demoDoc(): Record<string, unknown> {
  return parseYaml(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, unknown>;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let at = doc;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
  return doc;
}

const knownTopLevel = new Set(['kubeconfig', 'istio', 'app', 'route', 'gateway', 'smoke', 'steps', 'timeouts', 'state', 'slo', 'load', 'metrics', 'nodes', 'from', 'to', 'context', 'output', 'dryRun', 'keepCanary', 'yes', 'gatewayUrl', 'allowDowngrade', 'maxMinorVersions', 'preflight']);
const FILE = '@DIR@/canary.yaml';
const asFile = (text: string, field: string): BadInput => bad('config-file', 'upgrade', [...VERSIONS, '--config', FILE], field, { 'canary.yaml': text });

const configFileCase = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FILE_VALUES).chain(([path, value]) => value.map((v) => asFile(stringify(setPath(demoDoc(), path, v)), `${FILE}: ${path}`))) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('', 'steps.', 'slo.'), fc.stringMatching(/^[a-z][a-zA-Z]{2,12}$/)).filter(([prefix, key]) => (prefix === '' ? !knownTopLevel.has(key) : !['weights', 'bake', 'until', 'successRate', 'p99', 'minSamples', 'window', 'p99Ratio'].includes(key))).map(([prefix, key]) => asFile(stringify(setPath(demoDoc(), `${prefix}${key}`, 1)), `${FILE}: ${prefix}${key}`)) },
  // Not YAML at all (the demo file with a broken line appended), or YAML that is no mapping.
  { weight: 1, arbitrary: fc.constantFrom('steps: [10, 50', 'route: "istio-ingress/bookinfo', 'a: b: c', 'smoke:\n\trequests: 5').map((line) => asFile(`${readFileSync(DEMO_CONFIG, 'utf8')}\n${line}\n`, FILE)) },
  { weight: 1, arbitrary: fc.constantFrom('- just\n- a list\n', 'plain text\n', '42\n').map((text) => asFile(text, FILE)) },
);

/** One field of the shipped load profile set to something it cannot be. */
const PROFILE_VALUES: readonly [string, fc.Arbitrary<unknown>][] = [
  ['connections', fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 1001, max: 1e6 }), fc.constantFrom(1.5, 'many', null))],
  ['rate', fc.oneof(fc.integer({ min: -100, max: 0 }), fc.constantFrom('fast', 2.5, 1_000_001, '500'))],
  ['paths', fc.constantFrom([], 'index', [{ path: 'no-slash' }], [{ path: '/', weight: 0 }], [{ path: '/a b' }], [{ path: '/', wieght: 2 }])],
  ['headers', fc.constantFrom({ 'bad name': 'x' }, { Connection: 'close' }, ['x-a'], { 'x-a': { nested: 1 } }, { 'x-a': 'a\nb' })],
  ['duration', fc.constantFrom('5', '500ms', 60, 'a minute')],
  ['timeout', fc.constantFrom('1s', '100ms', 2, 'never')],
  ['target', fc.constantFrom('ftp://gateway', 'gateway:8080', 'http://', 8080)],
];
const PROFILE = '@DIR@/profile.yaml';
const shipped = (): Record<string, unknown> => parseYaml(readFileSync(`${root}loadtests/default.yaml`, 'utf8')) as Record<string, unknown>;
const asProfile = (text: string, field: string): BadInput => bad('load-profile', 'upgrade', withDemo([...VERSIONS, '--load-profile', PROFILE]), field, { 'profile.yaml': text });

const loadProfileCase = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PROFILE_VALUES).chain(([key, value]) => value.map((v) => asProfile(stringify({ ...shipped(), [key]: v }), `${PROFILE}: ${key}${key === 'paths' && Array.isArray(v) && v.length > 0 ? '[0]' : ''}`))) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{3,12}$/).filter((k) => !Object.keys(shipped()).includes(k)).map((k) => asProfile(stringify({ ...shipped(), [k]: 1 }), `${PROFILE}: ${k}`)) },
  { weight: 1, arbitrary: fc.constantFrom('rate: [1', 'a: &x 1\nb: *x', 'paths: ["/"]\npaths: ["/a"]').map((text) => asProfile(text, `load profile ${PROFILE}`)) },
  { weight: 1, arbitrary: fc.constantFrom(['rate', 4], ['rate', 15]).map(([, rate]) => asProfile(stringify({ ...shipped(), connections: 16, rate }), `${PROFILE}: rate`)) },
);

const VERBS_FOR_FLAGS = ['upgrade', 'plan', 'doctor', 'step', 'status', 'abort', 'promote', 'prepare', 'report'];

const unknownFlagCase = fc
  .tuple(fc.constantFrom(...VERBS_FOR_FLAGS), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.boolean())
  .filter(([v, name]) => {
    const known = acceptedKeys(verb(v) as NonNullable<ReturnType<typeof verb>>).flatMap((k) => [k.flag, k.short, ...(k.kind === 'boolean' ? [`no-${k.flag}`] : [])]);
    return !['help', 'h', 'config', ...known].includes(name) && !name.endsWith('-');
  })
  .map(([v, name, inline]) => bad('unknown-flag', v, withDemo([...VERSIONS, inline ? `--${name}=x` : `--${name}`]), `--${name}`));

/** All kinds, weighted so each gets a fair share of a hundred-odd runs. */
export const badInput: fc.Arbitrary<BadInput> = fc.oneof(versionCase, weightsCase, durationCase, sloCase, configFileCase, loadProfileCase, unknownFlagCase);

/** The argument vector of a case in a scratch folder. */
export function materialize(c: BadInput, dir: string): { argv: string[]; field: string; files: Record<string, string> } {
  const sub = (s: string): string => s.replaceAll('@DIR@', dir);
  return { argv: [c.verb, ...c.args.map(sub)], field: sub(c.field), files: Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, sub(v)])) };
}

/** True when stderr is the bad-input message and one of its problem lines names `field`. */
export function namesField(stderr: string, field: string): boolean {
  if (!stderr.startsWith('canary: bad input, nothing was changed:')) return false;
  // `paths` is named by `paths[0].path: ...` too: a problem inside the field names the field.
  return stderr.split('\n').some((line) => line.startsWith(`  ${field}`) && [':', '.', '['].includes(line.charAt(field.length + 2)));
}
