import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  pollingWatch,
} from '@plexus/plugin-api';
import type { EcsConfig } from './config.ts';
import { EcsCache, loadEcsSnapshot } from './fetch.ts';
import { DEFAULT_ECS_POLL_MS, type EcsPluginOptions } from './plugin.ts';
import { endpointsFromTasks } from './tasks.ts';

/** The ECS watch: polls tasks with clients made once per distinct settings object. Loaded on first use. */
export function ecsWatch(opts: EcsPluginOptions): DiscoveryPlugin['watch'] {
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
  return (target, sink, ctx) => {
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
  };
}
