import { isIP } from 'node:net';
import type { HttpInstanceSummary } from '@aws-sdk/client-servicediscovery';
import { applyIpPreference, type Endpoint, type EndpointHealth, type IpPreference } from '@plexus/plugin-api';

/** Attributes with a meaning of their own; every other attribute is copied into `Endpoint.metadata`. */
const WELL_KNOWN = new Set([
  'AWS_INSTANCE_IPV4',
  'AWS_INSTANCE_IPV6',
  'AWS_INSTANCE_PORT',
  'AVAILABILITY_ZONE',
  'REGION',
]);

function healthOf(status: string | undefined): EndpointHealth {
  // UNKNOWN means the service has no health checks: Cloud Map treats such instances as usable.
  return status === 'UNHEALTHY' ? 'unhealthy' : 'healthy';
}

/**
 * Cloud Map instances → endpoints: address from AWS_INSTANCE_IPV4/IPV6 chosen by `ipPreference`, port from
 * AWS_INSTANCE_PORT (else `defaultPort`), zone from AVAILABILITY_ZONE, health from HealthStatus. Instances
 * without a usable address or port are skipped.
 */
export function endpointsFromInstances(
  instances: readonly HttpInstanceSummary[],
  ipPreference: IpPreference,
  defaultPort: number | undefined,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const inst of instances) {
    const attrs = inst.Attributes ?? {};
    const candidates = [attrs.AWS_INSTANCE_IPV4, attrs.AWS_INSTANCE_IPV6].filter(
      (a): a is string => typeof a === 'string' && isIP(a) !== 0,
    );
    const address = applyIpPreference(candidates, (a) => isIP(a) as 0 | 4 | 6, ipPreference)[0];
    const port = attrs.AWS_INSTANCE_PORT !== undefined ? Number(attrs.AWS_INSTANCE_PORT) : defaultPort;
    if (!address || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    const ep: Endpoint = { address, port, health: healthOf(inst.HealthStatus) };
    if (attrs.AVAILABILITY_ZONE) ep.zone = attrs.AVAILABILITY_ZONE;
    if (attrs.REGION) ep.region = attrs.REGION;
    const metadata: Record<string, string> = {};
    if (inst.InstanceId) metadata.cloudMapInstanceId = inst.InstanceId;
    for (const [k, v] of Object.entries(attrs)) if (!WELL_KNOWN.has(k)) metadata[k] = v;
    ep.metadata = metadata;
    out.push(ep);
  }
  return out;
}
