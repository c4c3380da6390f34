import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  effectiveIpPreference,
  pollingWatch,
} from '@plexus/plugin-api';
import type { CloudMapConfig } from './config.ts';
import { discoverAllInstances, type ServiceIdCache } from './discover.ts';
import { endpointsFromInstances } from './instances.ts';
import { DEFAULT_CLOUDMAP_POLL_MS } from './plugin.ts';

/** A Cloud Map client for these settings; `disableHostPrefix` when the endpoint is overridden (no `data-` host). */
export function cloudMapClient(settings: DiscoverySettings): ServiceDiscoveryClient {
  const opts = awsClientOptions(settings);
  return new ServiceDiscoveryClient({ ...opts, ...(opts.endpoint ? { disableHostPrefix: true } : {}) });
}

/** The Cloud Map watch: polls with one client per distinct settings object. Loaded on first use. */
export function cloudMapWatch(): DiscoveryPlugin['watch'] {
  const apis = new WeakMap<DiscoverySettings, { client: ServiceDiscoveryClient; ids: ServiceIdCache }>();
  return (target, sink, ctx) => {
    const config = target.config as CloudMapConfig;
    const pref = effectiveIpPreference(config.ipPreference, target.meshIpPreference, 'IPv4_PREFERRED');
    const own = ctx.settings.plugins?.cloudmap?.pollIntervalMs;
    const interval =
      typeof own === 'number' ? own : (ctx.settings.pollIntervalMs ?? DEFAULT_CLOUDMAP_POLL_MS);
    let api = apis.get(ctx.settings);
    if (!api) {
      api = { client: cloudMapClient(ctx.settings), ids: new Map() };
      apis.set(ctx.settings, api);
    }
    const { client, ids } = api;
    return pollingWatch(ctx, sink, interval, async (signal) => {
      const instances = await discoverAllInstances(client, config, ids, signal);
      return endpointsFromInstances(instances, pref, target.listenerPorts[0]);
    });
  };
}
