import type { ServiceDiscovery } from '@plexus/graph';
import { socketAddress } from '../common/hcm.ts';
import type { Json } from '../types.ts';

const FAMILY: Record<string, string> = {
  IPv4_ONLY: 'V4_ONLY',
  IPv6_ONLY: 'V6_ONLY',
  IPv4_PREFERRED: 'V4_PREFERRED',
  IPv6_PREFERRED: 'AUTO',
};

/** App Mesh DNS discovery: LOADBALANCER (default) → LOGICAL_DNS, ENDPOINTS → STRICT_DNS. */
export function dnsCluster(
  name: string,
  dns: NonNullable<ServiceDiscovery['dns']>,
  port: number,
  meshIpPreference?: string,
): Json {
  const pref = dns.ipPreference ?? meshIpPreference;
  return {
    name,
    type: dns.responseType === 'ENDPOINTS' ? 'STRICT_DNS' : 'LOGICAL_DNS',
    connect_timeout: '1s',
    // App Mesh's default prefers IPv6 and falls back to IPv4: Envoy's AUTO.
    dns_lookup_family: pref ? (FAMILY[pref] ?? 'AUTO') : 'AUTO',
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(dns.hostname, port) } }] }],
    },
  };
}
