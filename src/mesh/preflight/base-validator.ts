import { pass, warn, type CheckResult } from '../checks.js';
import { DEFAULT_VALIDATOR } from '../charts.js';
import { baseCommand, baseDecision, baseStop } from '../promote-tail.js';
import type { PreflightInput } from './input.js';

const ID = 'base-default-revision';

/**
 * Whether promote will move istio-base's defaultRevision (a release ambient-canary did not
 * install), said before anything changes, from the same decision promote makes
 * (src/mesh/promote-tail.ts). A warning when promote would stop there, or leave it to the user.
 */
export function baseDefaultRevisionCheck({ config, facts }: Pick<PreflightInput, 'config' | 'facts'>): CheckResult {
  const from = config.from.name;
  const to = config.to.name;
  const base = baseDecision(config, facts);
  const validator = DEFAULT_VALIDATOR;
  switch (base.kind) {
    case 'absent':
      return pass(ID, 'ownership', `no ${validator} in the cluster: promote leaves istio-base as it is`);
    case 'elsewhere': {
      const not = `not istiod-${from} in ${config.istio.namespace}`;
      return pass(ID, 'ownership', `${validator} validates Istio config through ${base.through}, ${not}: promote leaves istio-base as it is`);
    }
    case 'moved':
      return pass(ID, 'ownership', `${validator} validates through ${to} already: istio-base's defaultRevision was moved`);
    case 'move': {
      const how = `helm upgrade ${base.release} -n ${base.namespace} at its installed chart version, --reuse-values`;
      const why = `Istio's last upgrade step; left on ${from}, ${validator} would refuse every Istio config write`;
      return pass(ID, 'ownership', `promote will move istio-base's defaultRevision ${from} -> ${to} (${how}) before removing istiod-${from}: ${why}`);
    }
    case 'stays': {
      const stable = config.istio.stableIstiodRelease;
      const message = `${validator} validates through ${from}, whose istiod ${stable} ambient-canary did not install: promote leaves both`;
      return warn(ID, 'ownership', message, `before you remove ${stable}, run: ${baseCommand(config, base.release)}`);
    }
    case 'not-helm':
    case 'unpinned': {
      const stop = baseStop(config, base);
      const fix = `run \`${stop.command}\` (now or when it stops), then \`canary promote\``;
      return warn(ID, 'ownership', `promote will stop before removing istiod-${from}: ${stop.message}`, fix);
    }
  }
}
