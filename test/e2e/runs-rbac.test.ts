import { readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { pluralOf } from '../../src/domain/kube-object.js';
import { WRITTEN_KINDS } from '../../src/plan/copy-kinds.js';
import { lockDemoState, resetDemoState } from '../support/demo-state.js';
import { STABLE_RULES, TO_REV, backends, namespaceExists, releases, root, route } from './support.js';
import { kubectl, run, upgrade } from './runs-support.js';

/**
 * examples/rbac.yaml is what CI runs as: a whole run succeeds with its ServiceAccount (and
 * no request of it is refused), and it cannot delete a namespace ambient-canary did not
 * create. The audit log of the local apiserver shows every request the identity made, so the
 * test also lists the granted rights a run never used.
 */
const RBAC = `${root}examples/rbac.yaml`;
/** The roles of examples/rbac.yaml that hold istiod's rules, only so helm may create istiod's roles. */
const ISTIOD_RULES = 'ambient-canary-ci-istiod-rules';
const USER = 'system:serviceaccount:istio-system:ambient-canary-ci';

let unlock: () => void;
let kubeconfig: string;
let auditFrom = 0;

/** A kubeconfig for the ServiceAccount: the admin one's server and CA, a TokenRequest token. */
async function serviceAccountKubeconfig(): Promise<string> {
  const token = await kubectl(['create', 'token', 'ambient-canary-ci', '-n', 'istio-system', '--duration', '1h']);
  expect(token.exitCode, token.all).toBe(0);
  const admin = new KubeConfig();
  admin.loadFromFile(inject('kubeconfig'));
  const cluster = admin.getCurrentCluster();
  const ca = cluster?.caData ?? (cluster?.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  const file = join(mkdtempSync(join(tmpdir(), 'canary-ci-')), 'kubeconfig');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: cluster?.server, 'certificate-authority-data': ca } }],
    users: [{ name: 'ambient-canary-ci', user: { token: token.stdout.trim() } }],
    contexts: [{ name: 'ci', context: { cluster: 'local', user: 'ambient-canary-ci' } }],
    'current-context': 'ci',
  };
  writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
  return file;
}

interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/** The ServiceAccount's requests since the test started. */
function auditOfCi(): AuditEvent[] {
  const text = readFileSync(inject('auditLog'), 'utf8').slice(auditFrom);
  return text
    .split('\n')
    .filter((l) => l.includes(USER))
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => e.user.username === USER);
}

beforeAll(async () => {
  unlock = await lockDemoState();
  const applied = await kubectl(['apply', '-f', RBAC]);
  expect(applied.exitCode, applied.all).toBe(0);
  kubeconfig = await serviceAccountKubeconfig();
  auditFrom = statSync(inject('auditLog')).size;
}, 1_500_000);
afterAll(() => unlock?.());
beforeEach(resetDemoState, 180_000);

describe('Given the CI ServiceAccount of examples/rbac.yaml', () => {
  it('When it runs a whole upgrade, Then it promotes, and none of its requests was refused', async () => {
    const r = await run(upgrade(), { kubeconfig });
    expect(r.exitCode, r.all).toBe(0);
    expect(backends(await route())).toEqual([[[`bookinfo-${TO_REV}`, 1]], [[`bookinfo-${TO_REV}`, 1]]]);
    expect(await releases()).toEqual(['istio-base', 'istio-cni', `istiod-${TO_REV}`, `ztunnel-${TO_REV}`]);
    const refused = auditOfCi().filter((e) => e.responseStatus?.code === 403);
    expect(refused.map((e) => `${e.verb} ${e.objectRef?.resource} ${e.objectRef?.namespace ?? ''}`)).toEqual([]);
  });

  it('When it starts a run and aborts it, Then the revert needs nothing more either', async () => {
    const started = await run(upgrade('--until', '10'), { kubeconfig });
    expect(started.exitCode, started.all).toBe(0);
    const abort = await run(['abort'], { kubeconfig });
    expect(abort.exitCode, abort.all).toBe(0);
    expect((await route()).spec.rules).toEqual(STABLE_RULES);
    expect(await namespaceExists(`bookinfo-${TO_REV}`)).toBe(false);
    expect(auditOfCi().filter((e) => e.responseStatus?.code === 403)).toEqual([]);
  });

  it('Then it cannot delete a namespace ambient-canary did not create (403), nor touch what a run never touches', async () => {
    const name = `not-ours-${Date.now().toString(36)}`;
    expect((await kubectl(['create', 'namespace', name])).exitCode).toBe(0);
    try {
      const refused = await kubectl(['delete', 'namespace', name, '--wait=false'], kubeconfig);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/Forbidden.*may only delete namespaces ambient-canary created/);
      const code = auditOfCi().find((e) => e.verb === 'delete' && e.objectRef?.resource === 'namespaces' && e.objectRef.name === name)?.responseStatus?.code;
      expect(code).toBe(403);
      expect(await namespaceExists(name)).toBe(true);
      // Holding istiod's rules (ambient-canary-ci-istiod-rules) is less than creating any role: no escalate, no bind.
      // The copy may write Secrets, HTTPRoutes and its other kinds cluster-wide as RBAC sees it;
      // the admission policy keeps those writes to namespaces ambient-canary created.
      const secret = await kubectl(['create', 'secret', 'generic', 'probe', '-n', name, '--from-literal=k=v'], kubeconfig);
      expect(secret.exitCode).not.toBe(0);
      expect(secret.stderr).toMatch(/may only write secrets into namespaces ambient-canary created/);
      const never = [
        ['delete', 'daemonsets', 'istio-ingress'],
        ['create', 'pods', 'istio-ingress'],
        ['delete', 'nodes', ''],
        ['escalate', 'clusterroles', ''],
        ['escalate', 'roles', 'istio-system'],
        ['bind', 'clusterroles', ''],
      ];
      for (const [verb, what, ns] of never) {
        const can = await kubectl(['auth', 'can-i', verb as string, what as string, ...(ns ? ['-n', ns] : [])], kubeconfig);
        expect(can.stdout.trim(), `${verb} ${what} ${ns}`).toBe('no');
      }
    } finally {
      await kubectl(['delete', 'namespace', name, '--wait=false']);
    }
  });

  it('Then every right it grants was used by the runs above, but the rules of istiod\'s roles it holds for the escalation check and paths these runs do not take', () => {
    const used = new Set(auditOfCi().map((e) => `${e.verb} ${e.objectRef?.resource ?? ''}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`));
    const roles = parseAllDocuments(readFileSync(RBAC, 'utf8'))
      .map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: { resources: string[]; verbs: string[] }[] })
      .filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role');
    const rights = (docs: typeof roles): string[] => docs.flatMap((d) => (d.rules ?? []).flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))));
    const granted = rights(roles);
    const ownRights = new Set(rights(roles.filter((d) => d.metadata.name !== ISTIOD_RULES)));
    // Rights only ambient-canary-ci-istiod-rules grants: the rules of istiod's roles (test/unit/examples/rbac.test.ts
    // checks they are exactly the chart's), which the apiserver's escalation check wants held when helm creates those
    // roles and their bindings; the identity never makes such a request itself. A right the run's own roles also grant
    // stays below: used, or explained.
    const heldForEscalation = new Set(rights(roles.filter((d) => d.metadata.name === ISTIOD_RULES)).filter((g) => !ownRights.has(g)));
    const unused = [...new Set(granted)].filter((g) => !used.has(g)).sort();
    const ownUnused = unused.filter((g) => !heldForEscalation.has(g));
    console.log(`rights of examples/rbac.yaml no run here used:\n  ${ownUnused.join('\n  ')}\n  and ${unused.length - ownUnused.length} held only for the escalation check`);
    // Every right left unused here, with why it is granted anyway.
    const EXPLAINED: Readonly<Record<string, string>> = {
      ...Object.fromEntries([...heldForEscalation].map((g) => [g, 'a rule of istiod\'s roles: held so helm may create and bind them (Kubernetes\' escalation check), never a request of its own'])),
      'create namespaces': 'server-side apply creates with patch; preflight\'s access review asks for create',
      'create referencegrants': 'likewise',
      'create pods/eviction': 'drains here find no ambient pod on the canary node; on a real node they evict',
      'patch daemonsets': 'helm upgrade of an existing ztunnel release (a resumed run, the stable one at prepare)',
      'patch mutatingwebhookconfigurations': 'helm upgrade of an istiod release that already renders its tag webhook',
      // helm upgrade patches only what renders differently: the stable istiod dropping its tags
      // (--reuse-values) and istio-base moving its defaultRevision leave these objects as they were.
      'patch clusterroles': 'helm upgrade of an istiod release whose roles changed (a resumed run at another chart version)',
      'patch clusterrolebindings': 'likewise',
      'patch roles': 'likewise',
      'patch rolebindings': 'likewise',
      'patch horizontalpodautoscalers': 'likewise, for its HPA',
      'patch customresourcedefinitions': 'helm upgrade of istio-base at its installed chart version leaves its CRDs as they are, unless they drifted',
      // The canary copy writes every kind of its table (src/plan/copy-kinds.ts); the demo's namespace holds only some.
      ...Object.fromEntries(WRITTEN_KINDS.flatMap((k) => ['create', 'patch'].map((v) => [`${v} ${pluralOf(k.kind)}`, 'the canary copy writes this kind when the stable namespace holds one']))),
    };
    expect(unused.filter((g) => !(g in EXPLAINED))).toEqual([]);
  });
});
