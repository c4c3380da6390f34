import type { Filter, Instance } from '@aws-sdk/client-ec2';
import type { Endpoint } from '@plexus/plugin-api';
import type { Ec2Config } from './config.ts';

/** DescribeInstances filters for a config: its tags and filters, always restricted to running instances. */
export function ec2Filters(config: Ec2Config): Filter[] {
  const filters: Filter[] = [{ Name: 'instance-state-name', Values: ['running'] }];
  for (const [key, value] of Object.entries(config.tags ?? {})) {
    filters.push(
      value === '*' ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [value] },
    );
  }
  for (const f of config.filters ?? []) filters.push({ Name: f.name, Values: f.values });
  return filters;
}

/** Running instances → endpoints (address by `addressType`, zone from placement). */
export function endpointsFromInstances(
  instances: readonly Instance[],
  config: Ec2Config,
  port: number,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const i of instances) {
    if (i.State?.Name !== 'running') continue;
    const address =
      config.addressType === 'public'
        ? i.PublicIpAddress
        : config.addressType === 'ipv6'
          ? (i.Ipv6Address ?? i.NetworkInterfaces?.flatMap((n) => n.Ipv6Addresses ?? [])[0]?.Ipv6Address)
          : i.PrivateIpAddress;
    if (!address) continue;
    const ep: Endpoint = { address, port, health: 'healthy' };
    if (i.Placement?.AvailabilityZone) ep.zone = i.Placement.AvailabilityZone;
    if (i.InstanceId) ep.metadata = { instanceId: i.InstanceId };
    out.push(ep);
  }
  return out;
}
