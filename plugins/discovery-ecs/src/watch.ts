import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  awsClientOptions,
  type DiscoveryPlugin,
  type DiscoverySettings,
  pollingWatch,
} from '@plexus/plugin-api';
import type { EcsConfig } from './config.ts';
import { DEFAULT_ECS_CACHE_ENTRIES, EcsCache, loadEcsSnapshot } from './fetch.ts';
import { DEFAULT_ECS_POLL_MS, type EcsPluginOptions } from './plugin.ts';
import { endpointsFromTasks } from './tasks.ts';

/** The ECS watch: polls tasks with clients made once per distinct settings object. Loaded on first use. */
export function ecsWatch(opts: EcsPluginOptions): DiscoveryPlugin['watch'] {
  const apis = new WeakMap<DiscoverySettings, { ecs: ECSClient; ec2: EC2Client; cache: EcsCache }>();
  const apiFor = (settings: DiscoverySettings) => {
    let api = apis.get(settings);
    if (!api) {
      const o = awsClientOptions(settings);
      const own = settings.plugins?.[opts.name] ?? {};
      const entries = own.cacheEntries ?? DEFAULT_ECS_CACHE_ENTRIES;
      if (typeof entries !== 'number' || !Number.isInteger(entries) || entries < 1) {
        throw new Error(
          `settings.plugins.${opts.name}.cacheEntries must be an integer >= 1, got ${String(entries)}`,
        );
      }
      api = { ecs: new ECSClient(o), ec2: new EC2Client(o), cache: new EcsCache(entries) };
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
    const node = `${target.mesh}/${target.virtualNode}`;
    // The port choice is logged when it first appears or changes, not on every poll.
    let logged = new Map<string, string>();
    return pollingWatch(ctx, sink, interval, async (signal) => {
      const snap = await loadEcsSnapshot(api, api.cache, config, opts.launchTypes, { signal, concurrency });
      const seen = new Map<string, string>();
      const endpoints = endpointsFromTasks(snap, config, target.listenerPorts, (taskDefinition, sel) => {
        const line = sel ? `${sel.containerName}:${sel.containerPort} (${sel.reason})` : 'none';
        seen.set(taskDefinition, line);
        if (logged.get(taskDefinition) === line) return;
        if (sel) {
          ctx.logger.debug(`${opts.name}: port ${sel.containerName}:${sel.containerPort}: ${sel.reason}`, {
            node,
            taskDefinition,
          });
        } else {
          ctx.logger.debug(`${opts.name}: no port to expose; tasks skipped`, { node, taskDefinition });
        }
      });
      logged = seen;
      return endpoints;
    });
  };
}
