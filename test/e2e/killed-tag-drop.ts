import { execa } from 'execa';
import { expect, inject } from 'vitest';
import { DEFAULT_TAG_INJECTOR } from '../../src/mesh/charts.js';
import { FROM, FROM_REV } from './support.js';

/**
 * The stable istiod as promote's helm leaves it when a cancelled CI job kills it while the
 * release drops its revision tags (the state a seeded runs-kill point once hit): the new
 * revision recorded `pending-upgrade`, but the tag's webhook, which only the old revision
 * renders, still in the cluster. Made with the very upgrade promote runs, SIGKILLed the
 * moment helm records the pending revision (a watch on its release Secrets): helm still has
 * every object of the chart to patch before it deletes any. A kill that came too late is
 * undone and tried again, so the state is certain, not likely.
 */
export async function killStableTagDrop(): Promise<void> {
  const release = `istiod-${FROM_REV}`;
  const base = ['--namespace', 'istio-system', '--kubeconfig', inject('kubeconfig')];
  const helm = (args: readonly string[]) => execa(inject('helm'), [...args, ...base], { reject: false, all: true });
  for (let attempt = 1; attempt <= 5; attempt++) {
    const watch = execa(inject('kubectl'), ['get', 'secrets', '--watch', '--output', 'name', '--selector', `owner=helm,name=${release},status=pending-upgrade`, ...base], {
      reject: false,
      buffer: false,
    });
    // The watch lists what exists first: none is pending yet, so its first line is the new revision.
    const drop = helm(['upgrade', release, 'istiod', '--repo', inject('chartRepoUrl'), '--version', FROM, '--reuse-values', '--set-json', 'revisionTags=[]', '--wait']);
    watch.stdout?.once('data', () => drop.kill('SIGKILL'));
    await drop;
    watch.kill();
    await watch;
    const listed = JSON.parse((await helm(['list', '--all', '--filter', `^${release}$`, '--output', 'json'])).stdout) as { status: string; revision: string }[];
    const tag = await execa(inject('kubectl'), ['get', 'mutatingwebhookconfiguration', DEFAULT_TAG_INJECTOR, '--ignore-not-found', '--output', 'name', '--kubeconfig', inject('kubeconfig')]);
    if (listed[0]?.status === 'pending-upgrade' && tag.stdout.trim() !== '') return;
    // Too late: back to the revision with the tag (from a pending one, this is the very rollback that works when nothing was left).
    const rolled = await helm(['rollback', release, '--wait']);
    expect(rolled.exitCode, rolled.all).toBe(0);
  }
  throw new Error(`could not stop helm between recording ${release}'s pending revision and deleting its tag webhook in 5 attempts`);
}
