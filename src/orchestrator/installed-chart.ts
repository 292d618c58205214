import type { RunConfig } from '../config/types.js';
import { InfraError } from '../domain/errors.js';
import { formatInvocation, type HelmInvocation } from '../domain/helm-invocation.js';
import type { HelmRunner } from '../helm/ports.js';

/**
 * The chart a Helm release runs now, as `helm list -o json` prints it (helm cmd/helm/list.go,
 * releaseElement): a `--reuse-values` upgrade at exactly that version changes nothing but the
 * values it sets (no CRD upgraded or downgraded, no template of another version).
 */
export interface InstalledRelease {
  readonly name: string;
  readonly namespace: string;
  /** The chart's name, e.g. `base`. */
  readonly chart: string;
  /** The chart's version, e.g. `1.30.4-dev`. */
  readonly version: string;
  /** deployed, failed, pending-upgrade, ... */
  readonly status: string;
  /** The release's revision (helm history), 1 for a fresh install. */
  readonly revision: number;
}

/**
 * Read-only: exactly one release (the filter is a regular expression, anchored and escaped),
 * in any state: without --all helm lists only deployed and failed releases, and a release
 * left pending-upgrade must be seen as such.
 */
export function releaseListing(config: RunConfig, release: string, namespace: string): HelmInvocation {
  // A regular expression for helm, not a shell string: the release name matches literally.
  const filter = '^' + release.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';
  const args = ['list', '--namespace', namespace, '--all', '--filter', filter, '--output', 'json'];
  return { bin: config.istio.helmBinary, args, release, namespace, mutates: false };
}

/** helm's `chart` column is `<name>-<version>` (formatChartName); the version is SemVer 2, so it starts at the first `-<digit>.<digit>.<digit>`. */
const CHART = /^(.+?)-(v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/;

interface ListedRelease {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly chart?: unknown;
  readonly status?: unknown;
  readonly revision?: unknown;
}

/** Pure: the release named in `helm list -o json` output, or undefined when it is not listed. */
export function parseReleaseListing(stdout: string, release: string, command: string): InstalledRelease | undefined {
  let listed: unknown;
  try {
    listed = JSON.parse(stdout.trim() || '[]');
  } catch {
    throw new InfraError(`\`${command}\` printed something that is not JSON: ${stdout.slice(0, 200)}`, { fix: `run it by hand: ${command}` });
  }
  if (!Array.isArray(listed)) throw new InfraError(`\`${command}\` printed JSON that is not a list of releases`, { fix: `run it by hand: ${command}` });
  const found = (listed as ListedRelease[]).find((r) => r.name === release);
  if (!found) return undefined;
  const chart = CHART.exec(String(found.chart ?? ''));
  if (!chart) throw new InfraError(`Helm release ${release} lists its chart as "${String(found.chart)}", not <name>-<version>`, { fix: `check it by hand: ${command}` });
  const revision = Number(found.revision);
  return {
    name: release,
    namespace: String(found.namespace ?? ''),
    chart: chart[1] as string,
    version: chart[2] as string,
    status: String(found.status ?? 'unknown'),
    revision: Number.isInteger(revision) ? revision : 0,
  };
}

/** What chart (name and version) a release runs, asked of helm through the helm port (a read: it also runs in a dry run). */
export async function installedRelease(
  helm: HelmRunner,
  config: RunConfig,
  release: string,
  namespace: string,
  signal: AbortSignal,
): Promise<InstalledRelease | undefined> {
  const listing = releaseListing(config, release, namespace);
  const result = await helm.run(listing, signal);
  return parseReleaseListing(result.stdout, release, formatInvocation(listing));
}
