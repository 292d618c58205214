import { KEYS, type KeySpec } from '../config/keys.js';

/** The commands, what each does, and which settings it takes (help and parsing use this). */
export interface Verb {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  /** Key paths this command accepts as flags; 'all' for every setting. */
  readonly keys: readonly string[] | 'all';
  /** Flags that are not settings (no canary.yaml key): they say what this one call does. */
  readonly extraFlags?: readonly KeySpec[];
}

const CLUSTER = ['kubeconfig', 'context', 'output', 'state.namespace'];
/** What judges a step (issue 8): `step` bakes, so it takes them like the SLO keys. */
const METRICS_KEYS = KEYS.filter((k) => k.path.startsWith('metrics.')).map((k) => k.path);
const RUN_SELECT = ['from', 'to'];

/** What --force-unlock risks, said in every mutating verb's help (and again when it takes a live lease). */
const FORCE_UNLOCK: KeySpec = {
  path: 'lock.forceUnlock',
  flag: 'force-unlock',
  kind: 'boolean',
  defaultText: 'false',
  help: 'take the run lock even from a live holder. RISK: if that process still runs, both change the cluster until its next lease renewal (up to 10 s), then it stops without reverting; use it only when the holder is known dead (e.g. its CI job was cancelled) and its 30 s lease has not run out',
};

export const VERBS: readonly Verb[] = [
  {
    name: 'upgrade',
    summary: 'run the whole canary upgrade, to promote or abort',
    usage: 'canary upgrade --from 1.29.6 --to 1.30.3 [flags]',
    details: 'Checks the cluster, prepares canary nodes, installs istiod-<to> and ztunnel-<to>, copies the workloads, smoke-tests them, then moves the route 10 -> 50 -> 100% under load. A breach reverts traffic first and exits 3. Run it again after a crash to resume. --until W stops after the W% step (continue with `canary step`). Exits 4 while another run holds the lock.',
    keys: 'all',
    extraFlags: [FORCE_UNLOCK],
  },
  {
    name: 'plan',
    summary: 'print every helm command and manifest a run would apply; touches nothing',
    usage: 'canary plan --from 1.29.6 --to 1.30.3 [-o yaml|json]',
    details: 'Needs no cluster. The same values drive `upgrade`, so what is printed is what runs.',
    keys: 'all',
  },
  {
    name: 'step',
    summary: 'advance a started run by exactly one weight step',
    usage: 'canary step [--weight 50] [--from A --to B]',
    details: 'Sets the next weight, bakes it under load and judges it; exits 0 (passed), 3 (aborted, traffic reverted) or 4 (locked). --weight only confirms which step you expect: steps are never skipped.',
    keys: [...CLUSTER, ...RUN_SELECT, 'dryRun', 'keepCanary', 'gatewayUrl', 'istio.helm', 'timeouts.rollout', 'steps.bake', 'slo.successRate', 'slo.p99', 'slo.minSamples', 'slo.window', 'slo.p99Ratio', 'slo.policy', 'slo.falseAbortRate', 'load.profile', ...METRICS_KEYS],
    extraFlags: [{ path: 'step.weight', flag: 'weight', kind: 'integer', min: 1, max: 100, help: 'the weight you expect to step to (refused if it is not the next one)' }, FORCE_UNLOCK],
  },
  {
    name: 'status',
    summary: 'show the run record: phase, weight, every step and its verdict',
    usage: 'canary status [--from A --to B] [-o table|json|yaml]',
    details: 'Reads the run record (a ConfigMap in the state namespace) and changes nothing.',
    keys: [...CLUSTER, ...RUN_SELECT],
  },
  {
    name: 'abort',
    summary: 'revert a run from wherever it stands: traffic first, then the canary objects',
    usage: 'canary abort [--keep-canary] [--from A --to B]',
    details: 'Works on a run that another process started or that was killed. With --keep-canary only traffic and the header route are reverted.',
    keys: [...CLUSTER, ...RUN_SELECT, 'keepCanary', 'istio.helm', 'istio.namespace', 'timeouts.rollout', 'app.canaryNamespace', 'nodes.label'],
    extraFlags: [FORCE_UNLOCK],
  },
  {
    name: 'promote',
    summary: 'finish a run that passed its 100% step',
    usage: 'canary promote [--from A --to B]',
    details: 'Route to the new revision only, Gateway relabelled, remaining nodes moved one at a time, the old revision removed (only what ambient-canary created).',
    keys: 'all',
    extraFlags: [FORCE_UNLOCK],
  },
  {
    name: 'report',
    summary: 'render the run record as a report: Markdown, JSON, JUnit XML or a self-contained HTML page',
    usage: 'canary report [--format markdown|json|junit|html] [-o FILE] [--from A --to B]',
    details:
      'Reads the run record and changes nothing. For `report`, -o/--output names the FILE to write (elsewhere -o is the output format): the format is --format, or else the file\'s extension (.html, .xml, .json, .md); without -o the report goes to stdout. With --format markdown and $GITHUB_STEP_SUMMARY set (GitHub Actions), the report is also appended to the job summary.',
    keys: ['kubeconfig', 'context', 'state.namespace', ...RUN_SELECT],
    extraFlags: [
      { path: 'report.format', flag: 'format', kind: 'string', help: 'markdown, json, junit (JUnit XML: one test case per step) or html (plots, one file)', defaultText: "the -o file's extension, else markdown" },
      { path: 'report.file', flag: 'output', short: 'o', kind: 'string', help: 'write the report to this FILE instead of stdout' },
      { path: 'report.file', flag: 'file', kind: 'string', help: 'the same as --output' },
    ],
  },
  {
    name: 'doctor',
    summary: 'run the preflight checks as a report; changes nothing',
    usage: 'canary doctor --from 1.29.6 --to 1.30.3 [-o json]',
    details: 'Exit 0 when nothing fails, 2 when a check fails (each failure says how to fix it).',
    keys: 'all',
  },
  {
    name: 'prepare',
    summary: 'one-time: pin the stable ztunnel to its nodes (restarts it; asks first)',
    usage: 'canary prepare --from 1.29.6 [--yes]',
    details: 'Labels every node that runs the stable ztunnel with <node-label>=<from> and sets that nodeSelector on its release. Every stable ztunnel pod restarts: do it in a maintenance window.',
    keys: 'all',
  },
];

export function verb(name: string): Verb | undefined {
  return VERBS.find((v) => v.name === name);
}

export function acceptedKeys(v: Verb): KeySpec[] {
  const base = v.keys === 'all' ? [...KEYS] : KEYS.filter((k) => (v.keys as readonly string[]).includes(k.path));
  return [...base, ...(v.extraFlags ?? [])];
}
