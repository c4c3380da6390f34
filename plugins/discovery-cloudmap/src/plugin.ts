import { DiscoverInstancesCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  effectiveIpPreference,
  pollingWatch,
  retryWithBackoff,
} from '@plexus/plugin-api';
import { type CloudMapConfig, validateCloudMapConfig } from './config.ts';
import { endpointsFromInstances } from './instances.ts';

/** Re-poll interval unless `settings.plugins.cloudmap.pollIntervalMs` or `settings.pollIntervalMs` says otherwise. */
export const DEFAULT_CLOUDMAP_POLL_MS = 10_000;

/** A Cloud Map client for these settings; `disableHostPrefix` when the endpoint is overridden (no `data-` host). */
export function cloudMapClient(settings: DiscoverySettings): ServiceDiscoveryClient {
  const opts = awsClientOptions(settings);
  return new ServiceDiscoveryClient({ ...opts, ...(opts.endpoint ? { disableHostPrefix: true } : {}) });
}

/** Creates the plugin; clients are made once per distinct settings object. */
export function createCloudMapPlugin(): DiscoveryPlugin {
  const clients = new WeakMap<DiscoverySettings, ServiceDiscoveryClient>();
  const clientFor = (settings: DiscoverySettings) => {
    let c = clients.get(settings);
    if (!c) {
      c = cloudMapClient(settings);
      clients.set(settings, c);
    }
    return c;
  };
  return {
    name: 'cloudmap',
    keys: ['awsCloudMap'],
    validateConfig: (_key, config) => validateCloudMapConfig(config),
    watch(target, sink, ctx) {
      const config = target.config as CloudMapConfig;
      const pref = effectiveIpPreference(config.ipPreference, target.meshIpPreference, 'IPv4_PREFERRED');
      const own = ctx.settings.plugins?.cloudmap?.pollIntervalMs;
      const interval =
        typeof own === 'number' ? own : (ctx.settings.pollIntervalMs ?? DEFAULT_CLOUDMAP_POLL_MS);
      const client = clientFor(ctx.settings);
      const query: Record<string, string> = {};
      for (const a of config.attributes ?? []) query[a.key] = a.value;
      return pollingWatch(ctx, sink, interval, async (signal) => {
        const out = await retryWithBackoff(
          () =>
            client.send(
              new DiscoverInstancesCommand({
                NamespaceName: config.namespaceName,
                ServiceName: config.serviceName,
                QueryParameters: Object.keys(query).length > 0 ? query : undefined,
                HealthStatus: 'ALL',
                MaxResults: 1000,
              }),
              { abortSignal: signal },
            ),
          { attempts: 3, baseMs: 200, clock: ctx.clock, signal },
        );
        return endpointsFromInstances(out.Instances ?? [], pref, target.listenerPorts[0]);
      });
    },
  };
}

/** Handles App Mesh's `spec.serviceDiscovery.awsCloudMap`. */
export const cloudMapDiscoveryPlugin: DiscoveryPlugin = createCloudMapPlugin();
