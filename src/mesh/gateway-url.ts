import type { KubeObject } from '../domain/kube-object.js';

/**
 * Where to send requests so they pass through the Gateway: its first status address and
 * its first HTTP listener's port (Programmed gateways publish both). Undefined when the
 * Gateway has no address yet.
 */
export function gatewayUrl(gateway: KubeObject | undefined): string | undefined {
  if (!gateway) return undefined;
  const status = gateway['status'] as { addresses?: { value?: string }[] } | undefined;
  const spec = gateway['spec'] as { listeners?: { protocol?: string; port?: number }[] } | undefined;
  const address = status?.addresses?.find((a) => typeof a.value === 'string' && a.value !== '')?.value;
  const listener = spec?.listeners?.find((l) => l.protocol === 'HTTP' || l.protocol === 'HTTPS');
  if (!address || !listener?.port) return undefined;
  const scheme = listener.protocol === 'HTTPS' ? 'https' : 'http';
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  const defaultPort = scheme === 'https' ? 443 : 80;
  return listener.port === defaultPort ? `${scheme}://${host}` : `${scheme}://${host}:${listener.port}`;
}
