import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/domain/kube-object.js';
import { gatewayUrl } from '../../../src/mesh/gateway-url.js';

function gateway(listeners: { protocol: string; port: number }[], addresses: { value?: string }[]): KubeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'istio-ingress' }, spec: { listeners }, status: { addresses } };
}

describe('gatewayUrl', () => {
  it.each([
    [[{ protocol: 'HTTP', port: 80 }], [{ value: '10.0.0.7' }], 'http://10.0.0.7'],
    [[{ protocol: 'HTTP', port: 18080 }], [{ value: '127.0.10.1' }], 'http://127.0.10.1:18080'],
    [[{ protocol: 'HTTPS', port: 443 }], [{ value: 'shop.example.com' }], 'https://shop.example.com'],
    [[{ protocol: 'HTTPS', port: 8443 }], [{ value: 'shop.example.com' }], 'https://shop.example.com:8443'],
    [[{ protocol: 'TCP', port: 5432 }, { protocol: 'HTTP', port: 8080 }], [{ value: '10.0.0.7' }], 'http://10.0.0.7:8080'],
    [[{ protocol: 'HTTP', port: 80 }], [{ value: '' }, { value: '10.0.0.8' }], 'http://10.0.0.8'],
    [[{ protocol: 'HTTP', port: 8080 }], [{ value: 'fd00::1' }], 'http://[fd00::1]:8080'],
  ])('listeners %j at %j -> %s', (listeners, addresses, url) => {
    expect(gatewayUrl(gateway(listeners, addresses))).toBe(url);
  });

  it.each([
    ['no Gateway', undefined],
    ['no address yet', gateway([{ protocol: 'HTTP', port: 80 }], [])],
    ['no HTTP listener', gateway([{ protocol: 'TCP', port: 5432 }], [{ value: '10.0.0.7' }])],
  ])('is undefined with %s', (_what, gw) => {
    expect(gatewayUrl(gw)).toBeUndefined();
  });
});
