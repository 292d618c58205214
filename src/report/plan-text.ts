import { stringify } from 'yaml';
import { formatDuration } from '../config/duration.js';
import { formatInvocation } from '../domain/helm-invocation.js';
import type { Plan } from '../plan/build.js';
import { COPY_KINDS, type CopyAction } from '../plan/copy-kinds.js';

/** Promote, in the order it runs (src/mesh/promote-tail.ts says why that order). */
function promoteLines(plan: Plan): string[] {
  const { stable, canary } = plan.revisions;
  const tag = plan.helm.defaultTag;
  const drop = plan.helm.dropStableTags;
  return [
    '## 8. Promote',
    `Route keeps only ${plan.namespaces.canary}; Gateway labelled istio.io/rev=${canary}; remaining ${plan.nodes.label}=${stable} nodes moved one at a time`,
    '(cordon, drain, relabel, ztunnel Ready, uncordon); the old namespace, if ambient-canary created it:',
    `kubectl delete namespace ${plan.namespaces.stable}`,
    `istio-base's defaultRevision, when its istiod-default-validator validates through ${stable} (Istio's last upgrade step: once`,
    `istiod-${stable} is gone it would refuse every Istio config write); the release the validator names, at the chart version it runs:`,
    formatInvocation(plan.helm.baseDefaultRevision),
    ...(tag && drop
      ? [
          `The default revision tag, when istiod-${stable} holds it: istiod-${stable} drops its tags (at the chart version it runs), and at once`,
          `istiod-${canary} takes it:`,
          formatInvocation(drop),
          formatInvocation(tag),
        ]
      : []),
    'The stable releases ambient-canary installed:',
    ...plan.helm.removeStable.map(formatInvocation),
  ];
}

/** `canary plan` for people: the commands to copy, the manifests, the route edit, in order. */
export function planText(plan: Plan): string {
  const { stable, canary } = plan.revisions;
  const t = plan.nodes.taint;
  const lines = [
    `# Canary upgrade ${plan.from} (${stable}) -> ${plan.to} (${canary}), run ${plan.runId}`,
    '',
    '## 1. Preflight (reads only)',
    `Cluster, helm, CRDs, istio-cni, istiod-${stable} Ready, ambient enabled, the stable ztunnel kept off canary nodes,`,
    `namespace ${plan.namespaces.stable}, Gateway ${plan.route.gateway.namespace}/${plan.route.gateway.name}, HTTPRoute ${plan.route.ref.namespace}/${plan.route.ref.name}, free nodes.`,
    '',
    '## 2. Canary nodes',
    plan.nodes.names.length > 0 ? `Nodes: ${plan.nodes.names.join(', ')}` : `Nodes: ${plan.nodes.count} chosen at run time (free nodes first)`,
    `Each: taint ${t.key}=${t.value}:${t.effect}, drain (PodDisruptionBudgets respected), label ${plan.nodes.label}=${canary}.`,
    '',
    '## 3. Control plane',
    formatInvocation(plan.helm.controlPlane),
    '',
    '## 4. Data plane',
    formatInvocation(plan.helm.dataPlane),
    `then wait: DaemonSet ${plan.namespaces.istio}/ztunnel-${canary} numberReady == desiredNumberScheduled == canary nodes`,
    '',
    '## 5. Workloads',
    ...copyLines(plan),
    `Pods (Deployments, StatefulSets) pinned to the canary nodes, each pod template with:`,
    stringify({ nodeSelector: plan.placement.nodeSelector, tolerations: [plan.placement.toleration] }, { aliasDuplicateObjects: false }).trimEnd(),
    '---',
    stringify(plan.manifests.canaryNamespace, { aliasDuplicateObjects: false }).trimEnd(),
    '---',
    stringify(plan.manifests.referenceGrant, { aliasDuplicateObjects: false }).trimEnd(),
    '',
    '## 6. Smoke test',
    `The route gets canary backends at weight 0 and a rule matching ${plan.route.context.header.name}: ${plan.route.context.header.value};`,
    `${plan.route.smokeRequests} such requests must all succeed and be served by ${canary}.`,
    `Only these rules change in HTTPRoute ${plan.route.ref.namespace}/${plan.route.ref.name}; every other rule and field is kept. For a rule sending / to Service ${plan.route.example.before[0]?.backendRefs?.[0]?.name ?? '?'}:`,
    stringify({ before: plan.route.example.before, atFirstStep: plan.route.example.atFirstStep }, { aliasDuplicateObjects: false }).trimEnd(),
    '',
    '## 7. Steps',
    ...plan.route.steps.map((s) => `stable/canary ${s.weights.stable}/${s.weights.canary}: verify Accepted at the new generation, then ${formatDuration(s.bakeMs)} under load, judged window by window`),
    ...(plan.route.until !== undefined ? [`(stops after ${plan.route.until}%: continue with \`canary step\`)`] : []),
    '',
    ...promoteLines(plan),
    '',
    '## On a breach or Ctrl-C: revert',
    'Weights back to 100/0 first (verified), then the header rule and canary backends, then:',
    `kubectl delete namespace ${plan.namespaces.canary}`,
    ...plan.helm.removeCanary.map(formatInvocation),
    `and each canary node's ${plan.nodes.label} label restored, its taint removed.`,
  ];
  return `${lines.join('\n')}\n`;
}

const ACTIONS: ReadonlyArray<readonly [CopyAction, string]> = [
  ['copy', 'copied'],
  ['rewrite', 'copied, references to the stable namespace rewritten'],
  ['leave', 'left to what makes them'],
  ['refuse', 'refused unless copy.skip accepts them by name'],
];

/** Section 5's copy: object by object once the stable namespace was read (`--dry-run`); the table otherwise (`canary plan` reads no cluster). */
function copyLines(plan: Plan): string[] {
  const { stable, canary } = plan.namespaces;
  const c = plan.copy;
  if (!c) {
    return [
      `Copy ${stable} -> ${canary} by kind (\`canary upgrade --dry-run\` lists the objects; Secrets by name only):`,
      ...ACTIONS.map(([action, said]) => `  ${said}: ${[...new Set(COPY_KINDS.filter((k) => k.action === action).map((k) => k.kind))].join(', ')}`),
      '  any other kind (a custom resource the copy does not know): refused unless copy.skip accepts it',
    ];
  }
  return [
    `Copy ${stable} -> ${canary}: ${c.copied.length} object(s) in this order (Secrets by name only): ${c.copied.join(', ')}`,
    ...c.rewrites.map((r) => `  rewritten: ${r}`),
    ...c.accepted.map((a) => `  not copied faithfully (copy.skip): ${a}`),
    ...c.mentions.map((m) => `  ${m} names ${stable} in its text: copied as it is`),
  ];
}
