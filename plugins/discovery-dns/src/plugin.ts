import { type DiscoveryPlugin, type Endpoint, effectiveIpPreference, pollingWatch } from '@plexus/plugin-api';
import { type DnsConfig, validateDnsConfig } from './config.ts';
import { resolveAddresses, serversResolver, systemResolver } from './resolve.ts';

/** Re-resolve interval unless `settings.plugins.dns.pollIntervalMs` or `settings.pollIntervalMs` says otherwise. */
export const DEFAULT_DNS_POLL_MS = 30_000;

/**
 * App Mesh `dns` for EDS and proxyless gRPC (Envoy sidecars get DNS clusters from the translator instead).
 * Settings (`settings.plugins.dns`): `servers?: string[]` (`host:port`; default: the system resolver via
 * getaddrinfo), `pollIntervalMs?`. Port: the node's first listener port. A name with no records gives `[]`;
 * resolver failures go to `sink.error`.
 */
export function createDnsPlugin(): DiscoveryPlugin {
  return {
    name: 'dns',
    keys: ['dns'],
    validateConfig: (_key, config) => validateDnsConfig(config),
    watch(target, sink, ctx) {
      const config = target.config as DnsConfig;
      const own = ctx.settings.plugins?.dns ?? {};
      const servers = Array.isArray(own.servers) ? (own.servers as string[]) : undefined;
      const resolve = servers ? serversResolver(servers) : systemResolver;
      const interval =
        typeof own.pollIntervalMs === 'number'
          ? own.pollIntervalMs
          : (ctx.settings.pollIntervalMs ?? DEFAULT_DNS_POLL_MS);
      const pref = effectiveIpPreference(config.ipPreference, target.meshIpPreference, 'IPv6_PREFERRED');
      const port = target.listenerPorts[0];
      return pollingWatch(ctx, sink, interval, async () => {
        if (port === undefined) throw new Error('dns discovery needs a listener port on the node');
        const addresses = await resolveAddresses(
          resolve,
          config.hostname,
          pref,
          config.responseType ?? 'LOADBALANCER',
        );
        return addresses.map((address): Endpoint => ({ address, port, health: 'healthy' }));
      });
    },
  };
}

export const dnsDiscoveryPlugin: DiscoveryPlugin = createDnsPlugin();
