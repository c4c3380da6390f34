import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  pollingWatch,
} from '@plexus/plugin-api';
import type { Ec2Config } from './config.ts';
import { ec2Filters, endpointsFromInstances } from './instances.ts';
import { DEFAULT_EC2_POLL_MS } from './plugin.ts';

/** Every running instance matching the config, following NextToken (`pageSize` per call, 5..1000). */
export async function describeMatchingInstances(
  client: EC2Client,
  config: Ec2Config,
  opts: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<Instance[]> {
  const instances: Instance[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        Filters: ec2Filters(config),
        MaxResults: opts.pageSize ?? 1000,
        NextToken: token,
      }),
      { abortSignal: opts.signal },
    );
    for (const r of page.Reservations ?? []) instances.push(...(r.Instances ?? []));
    token = page.NextToken;
  } while (token);
  return instances;
}

/** The EC2 watch: polls DescribeInstances with a client per distinct settings object. Loaded on first use. */
export function ec2Watch(): DiscoveryPlugin['watch'] {
  const clients = new WeakMap<DiscoverySettings, EC2Client>();
  return (target, sink, ctx) => {
    const config = target.config as Ec2Config;
    let client = clients.get(ctx.settings);
    if (!client) {
      client = new EC2Client(awsClientOptions(ctx.settings));
      clients.set(ctx.settings, client);
    }
    const own = ctx.settings.plugins?.ec2 ?? {};
    const interval =
      typeof own.pollIntervalMs === 'number'
        ? own.pollIntervalMs
        : (ctx.settings.pollIntervalMs ?? DEFAULT_EC2_POLL_MS);
    const pageSize = typeof own.pageSize === 'number' ? own.pageSize : 1000;
    const port = config.port ?? target.listenerPorts[0];
    const ec2 = client;
    return pollingWatch(ctx, sink, interval, async (signal) => {
      if (port === undefined) throw new Error('ec2 discovery needs `port` or a listener port on the node');
      const instances = await describeMatchingInstances(ec2, config, { pageSize, signal });
      return endpointsFromInstances(instances, config, port);
    });
  };
}
