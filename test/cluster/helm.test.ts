// The helm built for the local cluster installs a chart against the real apiserver, and its
// stamped Kubernetes version satisfies a chart's kubeVersion (an unstamped helm assumes 1.20).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const kubeconfig = inject('kubeconfig');
const helm = inject('helm');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const namespace = `cluster-helm-${randomBytes(3).toString('hex')}`;
const chart = mkdtempSync(join(tmpdir(), 'tiny-chart-'));

const files: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: tiny\nversion: 0.1.0\nkubeVersion: ">=1.31.0-0"\n',
  'values.yaml': 'replicas: 2\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec: {containers: [{name: app, image: example.invalid/tiny:1}]}
`,
};

const run = (args: string[]) => execa(helm, [...args, '--kubeconfig', kubeconfig]);

beforeAll(() => {
  mkdirSync(join(chart, 'templates'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(chart, path), text);
});

afterAll(async () => {
  rmSync(chart, { recursive: true, force: true });
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('helm on the local cluster', () => {
  it('renders offline for a chart that needs Kubernetes >= 1.31', async () => {
    const { stdout } = await execa(helm, ['template', 'tiny', chart]);
    expect(stdout).toContain('kind: Deployment');
  });

  it('installs a chart and waits for its Deployment to be Ready', async () => {
    await run(['install', 'tiny', chart, '-n', namespace, '--create-namespace', '--wait', '--timeout', '2m']);
    const deployment = await apps.readNamespacedDeployment({ name: 'tiny', namespace });
    expect(deployment.status?.readyReplicas).toBe(2);
    const { stdout } = await run(['list', '-n', namespace, '-o', 'json']);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ name: 'tiny', status: 'deployed' })]);
  });

  it('uninstalls it', async () => {
    await run(['uninstall', 'tiny', '-n', namespace, '--wait']);
    const left = await apps.listNamespacedDeployment({ namespace });
    expect(left.items).toHaveLength(0);
  });
});
