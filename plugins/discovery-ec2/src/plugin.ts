import { type DiscoveryPlugin, lazyWatch } from '@plexus/plugin-api';
import { validateEc2Config } from './config.ts';

/** Re-poll interval unless `settings.plugins.ec2.pollIntervalMs` or `settings.pollIntervalMs` says otherwise. */
export const DEFAULT_EC2_POLL_MS = 30_000;

export function createEc2Plugin(): DiscoveryPlugin {
  return {
    name: 'ec2',
    keys: ['ec2'],
    validateConfig: (_key, config) => validateEc2Config(config),
    // The AWS SDK loads on the first watch, not with the package.
    watch: lazyWatch(async () => (await import('./watch.ts')).ec2Watch()),
  };
}

/** Handles `spec.serviceDiscovery.ec2`. */
export const ec2DiscoveryPlugin: DiscoveryPlugin = createEc2Plugin();
