import { type DiscoveryPlugin, lazyWatch } from '@plexus/plugin-api';
import { validateCloudMapConfig } from './config.ts';

/** Re-poll interval unless `settings.plugins.cloudmap.pollIntervalMs` or `settings.pollIntervalMs` says otherwise. */
export const DEFAULT_CLOUDMAP_POLL_MS = 10_000;

/** Creates the plugin; the AWS SDK loads on the first watch, not with the package. */
export function createCloudMapPlugin(): DiscoveryPlugin {
  return {
    name: 'cloudmap',
    keys: ['awsCloudMap'],
    validateConfig: (_key, config) => validateCloudMapConfig(config),
    watch: lazyWatch(async () => (await import('./watch.ts')).cloudMapWatch()),
  };
}

/** Handles App Mesh's `spec.serviceDiscovery.awsCloudMap`. */
export const cloudMapDiscoveryPlugin: DiscoveryPlugin = createCloudMapPlugin();
