import { type DiscoveryPlugin, lazyWatch } from '@plexus/plugin-api';
import { validateEcsConfig } from './config.ts';
import type { LaunchTypeFilter } from './fetch.ts';

/** Re-poll interval unless `settings.plugins.<name>.pollIntervalMs` or `settings.pollIntervalMs` says otherwise. */
export const DEFAULT_ECS_POLL_MS = 15_000;

export interface EcsPluginOptions {
  /** Plugin name (and settings key): `ecs` or `fargate`. */
  name: string;
  /** The `spec.serviceDiscovery` key. */
  key: string;
  /** `ec2`: every task not on Fargate (EC2 container instances, external); `fargate`: Fargate tasks only. */
  launchTypes: LaunchTypeFilter;
}

/** Builds an ECS-backed plugin; the `fargate` plugin (fargate.ts) is one with `launchTypes: 'fargate'`. */
export function createEcsPlugin(opts: EcsPluginOptions): DiscoveryPlugin {
  return {
    name: opts.name,
    keys: [opts.key],
    validateConfig: (_key, config) => validateEcsConfig(config),
    // The AWS SDK loads on the first watch, not with the package.
    watch: lazyWatch(async () => (await import('./watch.ts')).ecsWatch(opts)),
  };
}

/** Handles `spec.serviceDiscovery.ecs`: tasks on EC2 container instances (bridge, host and awsvpc modes). */
export const ecsDiscoveryPlugin: DiscoveryPlugin = createEcsPlugin({
  name: 'ecs',
  key: 'ecs',
  launchTypes: 'ec2',
});
