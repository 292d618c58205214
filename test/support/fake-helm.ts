import { InfraError } from '../../src/domain/errors.js';
import type { HelmInvocation } from '../../src/domain/helm-invocation.js';
import { DEFAULT_TAG_INJECTOR } from '../../src/mesh/charts.js';
import { MANAGED_BY, MANAGER } from '../../src/mesh/labels.js';

/**
 * Helm as the fake cluster plays it (test/support/fake-cluster.ts): releases with their values
 * as arguments, `helm list` answers, the default tag's webhook owned by one release at a time
 * (helm refuses to adopt an object another release owns), istio-base upgraded only at its own
 * chart version with its own values.
 */
export interface FakeRelease {
  owned: boolean;
  args: readonly string[];
  /** It renders the `default` revision tag's webhook (istio-revision-tag-default): revisionTags={default}. */
  tags?: boolean;
  /** The chart version it runs, as `helm list` shows it (default: its revision's version). */
  version?: string;
}

/**
 * istio-base as Istio's "Install with Helm" makes it: a release ambient-canary did not
 * install, whose istiod-default-validator calls istiod-<defaultRevision>.
 */
export interface FakeBase {
  release: string;
  namespace: string;
  /** Installed by Helm (its validator carries helm's ownership annotations), or applied some other way. */
  helm: boolean;
  version: string;
  defaultRevision: string;
  status: string;
  /** Its revision in helm's history: each upgrade or rollback adds one. */
  revision: number;
}


/** What the helm double reads and changes: the fake cluster. */
export interface HelmWorld {
  readonly releases: Map<string, FakeRelease>;
  base: FakeBase | undefined;
  rolledBackTo: string | undefined;
  readonly tagGaps: string[][];
  tagGapOpen: boolean;
  mutate(op: string, createsTag?: boolean): void;
  defaultTagHolder(): string | undefined;
}

/** What helm does with an invocation, as far as the orchestrator can tell; returns what it prints. */
export function helmAnswer(world: HelmWorld, inv: HelmInvocation): string {
  const [verb] = inv.args;
  if (verb === 'list') return listing(world, inv);
  // Other reads (`helm show chart`, `helm template`) change nothing and are not journalled.
  if (!inv.mutates) return '';
  if (verb === 'uninstall') return uninstall(world, inv);
  if (world.base && inv.release === world.base.release) return verb === 'rollback' ? rollbackBase(world, inv) : upgradeBase(world, inv);
  return upgrade(world, inv);
}

/** `helm list --filter '^name$' -o json`: the release, as helm prints it. */
function listing(world: HelmWorld, inv: HelmInvocation): string {
  const filter = inv.args[inv.args.indexOf('--filter') + 1] ?? '';
  const name = filter.slice(1, -1).replaceAll('\\', '');
  const base = world.base;
  if (base && name === base.release) {
    const listed = { name, namespace: base.namespace, revision: String(base.revision), status: base.status, chart: `base-${base.version}`, app_version: base.version };
    return JSON.stringify(base.helm ? [listed] : []);
  }
  const release = world.releases.get(name);
  if (!release) return '[]';
  const version = installedVersion(name, release);
  return JSON.stringify([{ name, namespace: inv.namespace, revision: '1', status: 'deployed', chart: `${name.split('-')[0]}-${version}`, app_version: version }]);
}

function uninstall(world: HelmWorld, inv: HelmInvocation): string {
  const release = world.releases.get(inv.release);
  if (release && !release.owned) throw new InfraError(`test double: uninstall of foreign release ${inv.release}`);
  const op = `helm uninstall ${inv.release}`;
  world.mutate(op);
  world.releases.delete(inv.release);
  if (release?.tags) openGap(world, op);
  return '';
}

/** Only the defaultRevision move: the same chart version with the release's own values. */
function upgradeBase(world: HelmWorld, inv: HelmInvocation): string {
  const base = world.base as FakeBase;
  if (!base.helm) throw new InfraError(`test double: Error: UPGRADE FAILED: "${base.release}" has no deployed releases`);
  if (!inv.args.includes('--reuse-values') || versionOf(inv) !== base.version) {
    throw new InfraError(`test double: istio-base upgraded without its own values and version: ${inv.args.join(' ')}`);
  }
  if (base.status.startsWith('pending-')) throw new InfraError('test double: Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress');
  const set = inv.args.find((a) => a.startsWith('defaultRevision='));
  world.mutate(`helm upgrade ${base.release} ${set ?? ''}`);
  if (set) base.defaultRevision = set.slice('defaultRevision='.length);
  base.revision += 1;
  return '';
}

/** Back to an earlier revision (the test sets what that revision held: `rolledBackTo`). */
function rollbackBase(world: HelmWorld, inv: HelmInvocation): string {
  const base = world.base as FakeBase;
  world.mutate(`helm rollback ${base.release} ${inv.args[2] ?? ''}`);
  base.status = 'deployed';
  base.revision += 1;
  if (world.rolledBackTo) base.defaultRevision = world.rolledBackTo;
  return '';
}

/**
 * An istiod or ztunnel release. helm keeps a release's labels on upgrade; it refuses to
 * create the tag's webhook while another release owns it (invalid ownership metadata).
 */
function upgrade(world: HelmWorld, inv: HelmInvocation): string {
  const existing = world.releases.get(inv.release);
  if (existing && !existing.owned) throw new InfraError(`test double: upgrade of foreign release ${inv.release}`);
  // A rollback of a release left pending: the fake keeps no history, so what it had stays.
  if (inv.args[0] === 'rollback') return (world.mutate(`helm rollback ${inv.release}`), '');
  const reuse = inv.args.includes('--reuse-values');
  if (reuse && (!existing || versionOf(inv) !== installedVersion(inv.release, existing))) throw new InfraError(`test double: --reuse-values of ${inv.release} at another chart version`);
  const [set, drop] = [inv.args.includes('revisionTags={default}'), inv.args.includes('revisionTags=[]')];
  const tags = set || (!drop && reuse && existing?.tags === true);
  const holder = world.defaultTagHolder();
  if (tags && holder && holder !== inv.release) {
    const conflict = `MutatingWebhookConfiguration "${DEFAULT_TAG_INJECTOR}" exists and cannot be imported into the current release: invalid ownership metadata`;
    throw new InfraError(`test double: Error: UPGRADE FAILED: ${conflict}; annotation validation error: key "meta.helm.sh/release-name" must equal "${inv.release}": current value is "${holder}"`);
  }
  const op = `helm ${inv.args[0]} ${inv.release}${set ? ' tag=default' : drop ? ' tag=none' : ''}`;
  world.mutate(op, tags);
  const owned = existing?.owned === true || inv.args.includes(`${MANAGED_BY}=${MANAGER}`);
  world.releases.set(inv.release, { owned, args: reuse && existing ? [...existing.args, ...inv.args] : inv.args, tags, version: versionOf(inv) ?? existing?.version });
  if (existing?.tags && !tags) openGap(world, op);
  return '';
}

function openGap(world: HelmWorld, op: string): void {
  world.tagGaps.push([op]);
  world.tagGapOpen = true;
}

/** The chart version a release runs: recorded, or its revision's (`istiod-1-29-6` runs 1.29.6). */
function installedVersion(name: string, release: FakeRelease): string {
  return release.version ?? name.replace(/^[a-z]+-/, '').replaceAll('-', '.');
}

function versionOf(inv: HelmInvocation): string | undefined {
  const i = inv.args.indexOf('--version');
  return i >= 0 ? inv.args[i + 1] : undefined;
}
