import { describe, expect, it } from 'vitest';
import { hasCredentials, redactCredentials } from '../../../src/domain/url-credentials.js';

describe('URL credentials', () => {
  it.each([
    ['http://user:pw@host:9090', true, 'http://***@host:9090/'],
    ['https://t0ken@charts.example.com/istio', true, 'https://***@charts.example.com/istio'],
    ['oci://ci:t0ken@registry.example.com/istio', true, 'oci://***@registry.example.com/istio'],
    ['http://user:pw@host:808080/x', true, 'http://***@host:808080/x'],
    ['http://host/path@x', false, 'http://host/path@x'],
    ['istio', false, 'istio'],
  ])('%s', (url, has, shown) => {
    expect(hasCredentials(url)).toBe(has);
    expect(redactCredentials(url)).toBe(shown);
  });
});
