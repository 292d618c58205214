import { describe, expect, it } from 'vitest';
import { accessKey } from '../../../src/mesh/access.js';
import { escalationRequirements, renderedRoles, ruleRequirements } from '../../../src/mesh/chart-roles.js';
import { ISTIO_CRDS } from '../../../src/mesh/preflight/ambient.js';
import { agent, check, CNI, facts, HOLDER, istiod, mesh, node, NOW, render, routeProgrammed, run, ztunnel, type Scenario } from '../../support/preflight-builders.js';
import { text } from './fixtures/load.js';

type Change = (s: Scenario) => Scenario;
const input = (f: (i: Scenario['input']) => Scenario['input']): Change => (s) => ({ ...s, input: f(s.input) });
const denied = (resources: string[]): Change => input((i) => ({ ...i, access: { ...i.access, answers: i.access.answers.map((a) => (resources.includes(`${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`) ? { ...a, allowed: false } : a)) } }));
/** The istiod chart's roles as rendered (release-1.31), reviewed: everything allowed but `refused` (accessKey). */
const chartRoles = (refused: string[]): Change => {
  const roles = renderedRoles(text('istiod-1.31-roles.yaml'), 'istio-system');
  const asked = [...roles.flatMap(escalationRequirements), ...roles.flatMap(ruleRequirements)];
  return input((i) => ({ ...i, chartRoles: { context: 'prod', roles, answers: asked.map((r) => ({ ...r, allowed: !refused.includes(accessKey(r)) })) } }));
};
const lease = (holder: string, renewedSecondsAgo: number) =>
  mesh((m) => ({ ...m, lease: { namespace: 'istio-system', name: 'ambient-canary', holder, acquiredAt: '2026-11-23T11:00:00.000Z', renewedAt: new Date(NOW - renewedSecondsAgo * 1000).toISOString(), durationSeconds: 30 } }));

/** Every check added for `canary doctor`, each made to fail (or warn) from the healthy mesh, with the fix it names. */
const cases: Array<[string, string, Change, RegExp, RegExp, Record<string, unknown>?, ('fail' | 'warn')?]> = [
  // access
  ['a user who may not patch nodes or evict pods', 'access', denied(['patch nodes', 'create pods/eviction']), /lacks 2 permission\(s\): cluster-wide: patch nodes, create pods\/eviction \(used for: label, taint and cordon canary nodes/, /ClusterRole.*kubectl auth can-i patch nodes --context prod/],
  [
    'a user who may escalate on no role and lacks rules the istiod chart\'s roles grant (its own rendered roles)',
    'chart-roles',
    chartRoles(['escalate clusterroles.rbac.authorization.k8s.io', 'escalate roles.rbac.authorization.k8s.io -n istio-system', 'watch secrets', 'patch leases.coordination.k8s.io -n istio-system']),
    /may not create ClusterRole istiod-clusterrole-1-31-0-dev-istio-system, ClusterRole istio-reader-clusterrole-1-31-0-dev-istio-system, Role istio-system\/istiod-1-31-0-dev, .*lacks 2 of their rules: cluster-wide: watch secrets; in istio-system: patch leases\.coordination\.k8s\.io$/,
    /^either grant those rules \(examples\/rbac\.yaml: ClusterRole ambient-canary-ci-istiod-rules .*or grant cluster-wide: escalate clusterroles\.rbac\.authorization\.k8s\.io; in istio-system: escalate roles.*kubectl auth can-i watch secrets --all-namespaces --context prod`$/,
  ],
  ['a user who may not write the run record', 'access', denied(['update configmaps']), /lacks 1 permission\(s\): in istio-system: update configmaps \(used for: the run record\)/, /Role in each namespace.*kubectl auth can-i update configmaps -n istio-system/],
  // tools
  ['helm missing', 'helm', input((i) => ({ ...i, tools: { helm: { ok: false, message: 'helm was not found as "helm"', fix: 'install Helm 3.13 or newer' }, charts: [] } })), /helm was not found/, /install Helm 3\.13/],
  ['helm too old for --labels', 'helm', input((i) => ({ ...i, tools: { ...i.tools, helm: { ok: true, detail: 'v3.12.3+g3a31588' } } })), /older than 3\.13.*--labels/, /install Helm 3\.13 or newer.*--helm/],
  ['a target chart version the repo does not have', 'charts', input((i) => ({ ...i, tools: { ...i.tools, charts: [{ chart: 'istiod', command: 'helm show chart istiod --repo https://blob.istio.io/istio-release/charts --version 1.30.3', probe: { ok: false, message: 'helm failed (exit 1): Error: chart "istiod" version "1.30.3" not found', fix: undefined } }] } })), /istiod not found in https:\/\/blob.*version "1\.30\.3" not found/, /--chart-repo and --chart-version.*helm show chart istiod --repo/],
  ['a chart folder that does not exist', 'charts', input((i) => ({ ...i, tools: { ...i.tools, charts: [{ chart: 'ztunnel', command: 'helm show chart ./charts/ztunnel', probe: { ok: false, message: 'Error: path "./charts/ztunnel" not found', fix: undefined } }] } })), /ztunnel not found in folder \.\/charts/, /must be a folder holding the chart folders ztunnel; check with `helm show chart \.\/charts\/ztunnel`/, { 'istio.chartRepo': './charts' }],
  [
    'a values file naming a platform the chart does not ship',
    'chart-values',
    input((i) => ({ ...i, tools: { ...i.tools, renders: [render('istiod', 'revisions/1.30.3/control-plane.yaml', 'helm failed (exit 1): Error: execution error at (istiod/templates/zzz_profile.yaml:45:3): unknown platform gcp Use --debug flag to render out invalid YAML'), render('ztunnel')] } })),
    /^the istiod chart refuses the run's values in revisions\/1\.30\.3\/control-plane\.yaml: .*unknown platform gcp/,
    /ships no files\/profile-platform-gcp\.yaml: correct or remove that platform in revisions\/1\.30\.3\/control-plane\.yaml/,
  ],
  [
    'a values file naming a compatibility version the chart does not ship',
    'chart-values',
    input((i) => ({ ...i, tools: { ...i.tools, renders: [render('istiod'), render('ztunnel', 'revisions/1.30.3/data-plane.yaml', 'Error: execution error at (ztunnel/templates/zzz_profile.yaml:38:3): unknown compatibility version 1.99')] } })),
    /ztunnel chart refuses the run's values in revisions\/1\.30\.3\/data-plane\.yaml/,
    /ships no files\/profile-compatibility-version-1\.99\.yaml/,
  ],
  [
    'any other value a chart refuses',
    'chart-values',
    input((i) => ({ ...i, tools: { ...i.tools, renders: [render('istiod', undefined, 'Error: template: istiod/templates/deployment.yaml:12: bad value'), render('ztunnel')] } })),
    /istiod chart refuses the run's values: Error: template/,
    /correct the values the chart refuses; see the whole output with `helm template istiod-1-30-3 istiod --repo/,
  ],
  // versions
  ['a target two minors ahead', 'version-gap', (s) => s, /1\.31\.0 is 2 minor versions ahead of 1\.29\.6; at most 1/, /--to 1\.30\.x first.*--max-minor-versions/, { to: '1.31.0' }],
  ['a downgrade allowed by flag', 'version-gap', (s) => s, /not newer than 1\.29\.6: this is a downgrade/, /--allow-downgrade/, { to: '1.28.2', allowDowngrade: true }, 'warn'],
  ['Kubernetes older than the target supports', 'kubernetes', facts((f) => ({ ...f, serverVersion: 'v1.31.4' })), /v1\.31\.4 is older than Istio 1\.30\.3 supports \(1\.32–1\.36, istio\.io\/latest\/docs\/releases\/supported-releases\)/, /upgrade the cluster to Kubernetes 1\.32/],
  ['Kubernetes newer than the target was tested with', 'kubernetes', facts((f) => ({ ...f, serverVersion: 'v1.37.2' })), /newer than Istio 1\.30\.3 was tested with \(1\.32–1\.36/, /release notes/, {}, 'warn'],
  ['a target no table row covers', 'kubernetes', (s) => s, /no supported-Kubernetes range is known for Istio 1\.31\.0/, /supported-releases/, { to: '1.31.0', maxMinorVersions: 2 }, 'warn'],
  ['a stable ztunnel not Ready on a labelled node', 'stable-ztunnel-ready', mesh((m) => ({ ...m, agentPods: m.agentPods.filter((p) => p.name !== 'ztunnel-1-29-6-node-2') })), /not Ready on 1 node\(s\) labelled istio\.io\/rev=1-29-6: node-2/, /kubectl -n istio-system get pods -o wide -l app=ztunnel --field-selector spec\.nodeName=node-2/],
  ['a stable ztunnel with pods not Ready', 'stable-ztunnel-ready', facts((f) => ({ ...f, ztunnels: [ztunnel({ 'istio.io/rev': '1-29-6' }, { ready: 1 })] })), /has 1 of 2 pods Ready/, /describe daemonset ztunnel-1-29-6/],
  // ambient
  ['no istio-cni', 'istio-cni', mesh((m) => ({ ...m, cni: undefined })), /istio-cni is not installed/, /helm install istio-cni istio\/cni.*profile=ambient/],
  ['istio-cni not Ready on a node', 'istio-cni', mesh((m) => ({ ...m, agentPods: m.agentPods.map((p) => (p.name === 'istio-cni-node-node-3' ? { ...p, ready: false } : p)) })), /not Ready on 1 node\(s\): node-3/, /get pods -l k8s-app=istio-cni-node -o wide --field-selector spec\.nodeName=node-3/],
  ['istio-cni without ambient', 'cni-ambient', mesh((m) => ({ ...m, cniConfig: { AMBIENT_ENABLED: 'false' } })), /ambient disabled \(AMBIENT_ENABLED=false in ConfigMap istio-system\/istio-cni-config\)/, /^helm upgrade istio-cni istio\/cni -n istio-system --reuse-values --set profile=ambient$/],
  ['istio-cni two minors behind the target', 'cni-ambient', mesh((m) => ({ ...m, cniConfig: { AMBIENT_ENABLED: 'true', CURRENT_AGENT_VERSION: '1.28.0' } })), /istio-cni 1\.28\.0 is more than one minor version behind the target 1\.30\.3/, /upgrade istio-cni to within one minor version/],
  ['an unreadable istio-cni-config', 'cni-ambient', mesh((m) => ({ ...m, cniConfig: undefined })), /could not read AMBIENT_ENABLED/, /kubectl -n istio-system get configmap istio-cni-config/, {}, 'warn'],
  ['an istiod without PILOT_ENABLE_AMBIENT', 'istiod-ambient', facts((f) => ({ ...f, istiods: [istiod('1-29-6', 1, {})] })), /istiod-1-29-6 runs without PILOT_ENABLE_AMBIENT=true/, /helm upgrade istiod-1-29-6 istio\/istiod -n istio-system --reuse-values --set profile=ambient/],
  ['no ztunnel at all', 'ztunnel', facts((f) => ({ ...f, ztunnels: [] })), /no ztunnel DaemonSet in istio-system: this is not an ambient mesh/, /helm install ztunnel-1-29-6 istio\/ztunnel/],
  ['no Gateway API CRDs', 'gateway-api', (s) => ({ ...s, mesh: { ...s.mesh, served: [] }, facts: { ...s.facts, crds: ISTIO_CRDS } }), /does not serve httproutes\.gateway\.networking\.k8s\.io v1.*present: none/, /kubectl apply --server-side -f https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1\.5\.1\/standard-install\.yaml/],
  ['an HTTPRoute CRD that serves only v1beta1', 'gateway-api', mesh((m) => ({ ...m, served: m.served.filter((k) => k !== 'httproutes.gateway.networking.k8s.io/v1') })), /does not serve httproutes\.gateway\.networking\.k8s\.io v1 /, /standard-install\.yaml/],
  ['Istio CRDs missing', 'istio-crds', facts((f) => ({ ...f, crds: f.crds.filter((c) => !c.endsWith('security.istio.io')) })), /Istio CRD\(s\) missing: authorizationpolicies\.security\.istio\.io, peerauthentications/, /helm upgrade --install istio-base istio\/base -n istio-system --version 1\.30\.3/],
  // sidecars
  ['sidecars without HBONE', 'sidecars-hbone', mesh((m) => ({ ...m, sidecars: [{ namespace: 'shop', name: 'cart-1', proxy: true, hbone: false, revision: undefined }, { namespace: 'shop', name: 'cart-2', proxy: true, hbone: false, revision: undefined }, { namespace: 'web', name: 'front-1', proxy: true, hbone: true, revision: undefined }] })), /2 pod\(s\) run an istio-proxy sidecar without ISTIO_META_ENABLE_HBONE.*shop: cart-1, cart-2/, /--set profile=ambient.*kubectl -n shop rollout restart deployment/],
  ['a namespace labelled for injection and ambient', 'namespace-modes', mesh((m) => ({ ...m, namespaces: [...m.namespaces, { name: 'legacy', labels: { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, terminating: false }] })), /1 namespace\(s\) labelled both istio-injection=enabled and istio\.io\/dataplane-mode=ambient: legacy/, /kubectl label namespace legacy istio-injection-/],
  // topology
  ['a route whose backend is not permitted', 'route-resolved', facts((f) => ({ ...f, route: routeProgrammed([{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }]) })), /not served as it stands: .*ResolvedRefs=False \(RefNotPermitted/, /ReferenceGrant.*allowing HTTPRoute from istio-ingress/],
  ['a route whose backend Service is missing', 'route-resolved', facts((f) => ({ ...f, route: routeProgrammed([{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' }]) })), /BackendNotFound/, /names a Service that does not exist/],
  ['a route no Gateway has taken', 'route-resolved', facts((f) => ({ ...f, route: { ...routeProgrammed(), status: { parents: [] } } })), /has not reported status yet/, /Gateway is Programmed.*kubectl -n istio-ingress describe httproute bookinfo/],
  ['a lock held by a live run', 'lock', lease('ci-runner-7/pid-42', 5), /another run holds the lock: ci-runner-7\/pid-42 since 2026-11-23T11:00:00\.000Z \(Lease istio-system\/ambient-canary, renewed until 2026-11-23T12:00:25\.000Z\)/, /canary status --state-namespace istio-system.*frees itself at 2026-11-23T12:00:25/],
  ['a named canary node that does not exist', 'canary-nodes', (s) => s, /--canary-nodes: node-9 does not exist/, /--canary-nodes/, { 'nodes.names': ['node-9'] }],
];

describe('preflight: each check fails with what to fix', () => {
  it.each(cases)('%s -> %s', (_what, id, change, message, fix, values = {}, status = 'fail') => {
    const result = check(run(change, values).results, id);
    expect(result.status).toBe(status);
    expect(result.message).toMatch(message);
    expect(result.fix).toMatch(fix);
  });
});

describe('preflight: what passes', () => {
  it('a lock whose holder stopped renewing: a new run takes it over', () => {
    expect(check(run(lease('crashed/pid-9', 60)).results, 'lock')).toMatchObject({ status: 'pass', message: expect.stringContaining('crashed/pid-9, which stopped renewing it at 2026-11-23T11:59:30') });
  });

  it('a lock we hold ourselves (a resumed process on the same host and pid)', () => {
    expect(check(run(lease(HOLDER, 1)).results, 'lock').status).toBe('pass');
  });

  it('sidecars that speak HBONE, and namespaces in one mode only', () => {
    const { results } = run(mesh((m) => ({ ...m, sidecars: [{ namespace: 'web', name: 'front-1', proxy: true, hbone: true, revision: undefined }], namespaces: [...m.namespaces, { name: 'legacy', labels: { 'istio-injection': 'enabled' }, terminating: false }] })));
    expect(check(results, 'sidecars-hbone')).toMatchObject({ status: 'pass', message: 'all 1 pod(s) with an istio-proxy sidecar have ISTIO_META_ENABLE_HBONE' });
    expect(check(results, 'namespace-modes').status).toBe('pass');
  });

  it('the stable ztunnel before `canary prepare`: Ready where it runs, no node labelled yet', () => {
    const unlabelled = facts((f) => ({ ...f, nodes: [node('node-1'), node('node-2')] }));
    expect(check(run(unlabelled).results, 'stable-ztunnel-ready')).toMatchObject({ status: 'pass', message: 'ztunnel ztunnel-1-29-6 is Ready on all 2 node(s) it runs on' });
  });

  it('istio-cni is expected on every node its selector picks, tainted or not (it tolerates every taint)', () => {
    const windows = facts((f) => ({ ...f, nodes: [...f.nodes, node('win-1', { 'kubernetes.io/os': 'windows' })] }));
    expect(check(run(windows).results, 'istio-cni').status).toBe('pass');
    const tainted = facts((f) => ({ ...f, nodes: [...f.nodes, node('gpu-1', {}, { taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] })] }));
    expect(check(run(tainted).results, 'istio-cni')).toMatchObject({ status: 'fail', message: expect.stringContaining('gpu-1') });
  });

  it('charts that render with the run\'s values, naming the values files used', () => {
    const withFile = input((i) => ({ ...i, tools: { ...i.tools, renders: [render('istiod', 'revisions/1.30.3/control-plane.yaml'), render('ztunnel')] } }));
    expect(check(run(withFile).results, 'chart-values')).toMatchObject({ status: 'pass', message: "charts istiod and ztunnel render with the run's values (revisions/1.30.3/control-plane.yaml)" });
  });

  it('helm 4', () => {
    const v4 = (s: Scenario): Scenario => ({ ...s, input: { ...s.input, tools: { ...s.input.tools, helm: { ok: true, detail: 'v4.0.1+g12345' } } } });
    expect(check(run(v4).results, 'helm').status).toBe('pass');
  });

  it('uses the cni DaemonSet wherever it lives (kube-system on GKE)', () => {
    const gke = { ...CNI, namespace: 'kube-system' };
    const moved = mesh((m) => ({ ...m, cni: gke, agentPods: [...m.agentPods.filter((p) => !p.name.startsWith('istio-cni')), ...['node-1', 'node-2', 'node-3'].map((n) => agent(gke, n))] }));
    expect(check(run(moved).results, 'istio-cni')).toMatchObject({ status: 'pass', message: expect.stringContaining('kube-system/istio-cni-node') });
  });
});
