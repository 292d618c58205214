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
const RUN_SELECT = ['from', 'to'];

export const VERBS: readonly Verb[] = [
  {
    name: 'upgrade',
    summary: 'run the whole canary upgrade, to promote or abort',
    usage: 'canary upgrade --from 1.29.6 --to 1.30.3 [flags]',
    details: 'Checks the cluster, prepares canary nodes, installs istiod-<to> and ztunnel-<to>, copies the workloads, smoke-tests them, then moves the route 10 -> 50 -> 100% under load. A breach reverts traffic first and exits 3. Run it again after a crash to resume.',
    keys: 'all',
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
    keys: [...CLUSTER, ...RUN_SELECT, 'dryRun', 'keepCanary', 'gatewayUrl', 'istio.helm', 'timeouts.rollout', 'steps.bake'],
    extraFlags: [{ path: 'step.weight', flag: 'weight', kind: 'integer', min: 1, max: 100, help: 'the weight you expect to step to (refused if it is not the next one)' }],
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
  },
  {
    name: 'promote',
    summary: 'finish a run that passed its 100% step',
    usage: 'canary promote [--from A --to B]',
    details: 'Route to the new revision only, Gateway relabelled, remaining nodes moved one at a time, the old revision removed (only what ambient-canary created).',
    keys: 'all',
  },
  {
    name: 'report',
    summary: 'render the run record as a report (Markdown or JSON)',
    usage: 'canary report [--format markdown|json] [--file FILE] [--from A --to B]',
    details: 'Reads the run record and changes nothing.',
    keys: [...CLUSTER, ...RUN_SELECT],
    extraFlags: [
      { path: 'report.format', flag: 'format', kind: 'string', help: 'markdown or json', defaultText: 'markdown' },
      { path: 'report.file', flag: 'file', kind: 'string', help: 'write the report to this file instead of stdout' },
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
