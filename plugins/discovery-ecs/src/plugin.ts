import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  pollingWatch,
} from '@plexus/plugin-api';
import { type EcsConfig, validateEcsConfig } from './config.ts';
import { EcsCache, type LaunchTypeFilter, loadEcsSnapshot } from './fetch.ts';
import { endpointsFromTasks } from './tasks.ts';

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

/** Builds an ECS-backed plugin; `@plexus/discovery-fargate` uses it with `launchTypes: 'fargate'`. */
export function createEcsPlugin(opts: EcsPluginOptions): DiscoveryPlugin {
  const apis = new WeakMap<DiscoverySettings, { ecs: ECSClient; ec2: EC2Client; cache: EcsCache }>();
  const apiFor = (settings: DiscoverySettings) => {
    let api = apis.get(settings);
    if (!api) {
      const o = awsClientOptions(settings);
      api = { ecs: new ECSClient(o), ec2: new EC2Client(o), cache: new EcsCache() };
      apis.set(settings, api);
    }
    return api;
  };
  return {
    name: opts.name,
    keys: [opts.key],
    validateConfig: (_key, config) => validateEcsConfig(config),
    watch(target, sink, ctx) {
      const config = target.config as EcsConfig;
      const api = apiFor(ctx.settings);
      const own = ctx.settings.plugins?.[opts.name] ?? {};
      const interval =
        typeof own.pollIntervalMs === 'number'
          ? own.pollIntervalMs
          : (ctx.settings.pollIntervalMs ?? DEFAULT_ECS_POLL_MS);
      const concurrency = typeof own.concurrency === 'number' ? own.concurrency : 4;
      return pollingWatch(ctx, sink, interval, async (signal) => {
        const snap = await loadEcsSnapshot(api, api.cache, config, opts.launchTypes, {
          clock: ctx.clock,
          signal,
          concurrency,
        });
        return endpointsFromTasks(snap, config, target.listenerPorts);
      });
    },
  };
}

/** Handles `spec.serviceDiscovery.ecs`: tasks on EC2 container instances (bridge, host and awsvpc modes). */
export const ecsDiscoveryPlugin: DiscoveryPlugin = createEcsPlugin({
  name: 'ecs',
  key: 'ecs',
  launchTypes: 'ec2',
});
