import { describe, expect, it } from 'vitest';
import { chartArgs, chartSource } from '../../../src/plan/chart-ref.js';

describe('chart sources: how --chart-repo becomes helm arguments', () => {
  it.each([
    ['https://blob.istio.io/istio-release/charts', ['istiod', '--repo', 'https://blob.istio.io/istio-release/charts', '--version', '1.30.3'], 'a URL is passed with --repo (no helm repo add needed)'],
    ['https://charts.example.com/istio/', ['istiod', '--repo', 'https://charts.example.com/istio', '--version', '1.30.3'], 'a trailing slash is dropped'],
    ['http://127.0.0.1:8879', ['istiod', '--repo', 'http://127.0.0.1:8879', '--version', '1.30.3'], 'plain http works too'],
    ['oci://gcr.io/istio-release/charts', ['oci://gcr.io/istio-release/charts/istiod', '--version', '1.30.3'], 'an OCI registry gets the chart appended'],
    ['istio', ['istio/istiod', '--version', '1.30.3'], 'a repo alias prefixes the chart'],
    ['./charts', ['./charts/istiod'], 'a local folder needs no --version'],
    ['../vendor/istio/', ['../vendor/istio/istiod'], 'a parent folder, trailing slash dropped'],
    ['/opt/istio/manifests/charts', ['/opt/istio/manifests/charts/istiod'], 'an absolute folder'],
    ['.', ['./istiod'], 'the current folder'],
  ])('%s -> %j (%s)', (repo, args) => {
    expect(chartArgs(chartSource(repo), 'istiod', '1.30.3')).toEqual(args);
  });
});
