import type { KeySpec } from '../config/keys.js';
import { CanaryError, ExitCode, InputError } from '../domain/errors.js';
import { acceptedKeys, VERBS, type Verb } from './verbs.js';

/** Every user-facing text of the command line that is not an error raised deeper down. */
export function mainHelp(version: string): string {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  return [
    `canary ${version}: canary upgrades of an Istio ambient mesh`,
    '',
    'Usage: canary <command> [flags]',
    '',
    'Commands:',
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'Every flag also has a key in canary.yaml (--config FILE; flags win over the file).',
    'Exit codes: 0 done, 1 infrastructure error, 2 bad input (nothing changed),',
    '            3 aborted on SLO breach (traffic reverted), 4 locked by another run, 130 interrupted (traffic reverted).',
    '',
    'Run `canary <command> --help` for its flags.',
  ].join('\n');
}

export function verbHelp(v: Verb): string {
  const keys = acceptedKeys(v);
  const flags = keys.filter((k) => k.flag).map((k) => [flagText(k), k.help + (k.defaultText ? ` [default: ${k.defaultText}]` : '')] as const);
  const rows = [['--config FILE', 'read settings from a YAML file (canary.yaml)'] as const, ...flags, ['-h, --help', 'show this help'] as const];
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `Usage: ${v.usage}`,
    '',
    v.summary[0]?.toUpperCase() + v.summary.slice(1) + '.',
    wrap(v.details, 88),
    '',
    'Flags:',
    ...rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`),
    '',
    `In canary.yaml: ${keys.filter((k) => !(v.extraFlags ?? []).includes(k)).map((k) => k.path).join(', ')}.`,
  ].join('\n');
}

function flagText(k: KeySpec): string {
  const value = k.kind === 'boolean' ? '' : ` ${k.kind === 'duration' ? 'DURATION' : k.kind === 'integer' ? 'N' : k.kind === 'ref' ? 'NS/NAME' : 'VALUE'}`;
  return `${k.short ? `-${k.short}, ` : ''}--${k.flag}${value}`;
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export function unknownCommand(name: string, suggestion: string | undefined): string {
  return `canary: unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}\nRun \`canary --help\` for the list.`;
}

/** How a failure is printed: what happened, about what, and what to do next. */
export function formatError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof InputError) {
    const lines = error.problems.map((p) => `  ${p.path}: ${p.message}`);
    return { text: ['canary: bad input, nothing was changed:', ...lines, ...(error.fix ? [`  ${error.fix}`] : [])].join('\n'), exitCode: error.exitCode };
  }
  if (error instanceof CanaryError) {
    const parts = [`canary: ${error.message}`];
    if (error.object) parts.push(`  object: ${error.object}`);
    if (error.fix) parts.push(`  fix: ${error.fix}`);
    return { text: parts.join('\n'), exitCode: error.exitCode };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { text: `canary: unexpected failure (a bug; please report it with this output):\n${message}`, exitCode: ExitCode.infrastructure };
}

export const RESULT = {
  promoted: (to: string) => `Promoted: the mesh runs ${to}.`,
  alreadyPromoted: (id: string, at: string) => `Run ${id} was already promoted (${at}); nothing to do.`,
  paused: (weight: number) => `Paused at ${weight}%: continue with \`canary step\`, finish with \`canary promote\`, or revert with \`canary abort\`.`,
  stepped: (weight: number, done: boolean) => (done ? `Step ${weight}% passed. The run is at 100%: finish it with \`canary promote\`.` : `Step ${weight}% passed. Next: \`canary step\`.`),
  reverted: (id: string) => `Run ${id} reverted: traffic on the stable revision, canary objects removed (unless kept).`,
  noRun: 'no run record found: start one with `canary upgrade --from A --to B`',
  interrupted: 'Interrupted: reverting traffic to the stable revision first (a second Ctrl-C will not stop the revert).',
  /** For commands that move no traffic (status, report, plan, doctor, prepare): there is nothing to revert. */
  interruptedStopping: 'Interrupted: stopping.',
} as const;


export const LOCK = {
  takenOver: (previous: { holder: string; since: string | undefined; renewedAt: string | undefined }, why: 'forced' | 'gone'): string =>
    why === 'gone'
      ? `Lock: ${previous.holder} no longer runs on this host; took over its lease (held since ${previous.since ?? 'unknown'}).`
      : [
          `Lock: --force-unlock took the lease from ${previous.holder} (held since ${previous.since ?? 'unknown'}, last renewed ${previous.renewedAt ?? 'never'}).`,
          '  If that process still runs, it may make one more change before its next renewal (up to 10 s), then stops without reverting;',
          '  check `canary status` after this command.',
        ].join('\n'),
} as const;
