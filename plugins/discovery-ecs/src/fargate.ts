import { type DiscoveryPlugin, discoveryPluginModule } from '@plexus/plugin-api';
import { createEcsPlugin } from './plugin.ts';

/**
 * `spec.serviceDiscovery.fargate: { cluster, service | family, containerName?, containerPort? }`: the same
 * shape as `ecs`, for tasks with launch type FARGATE (or a FARGATE/FARGATE_SPOT capacity provider): the ENI's
 * private IP, the container port, zone from the task's availabilityZone (else the ENI subnet's zone).
 */
export function createFargatePlugin(): DiscoveryPlugin {
  return createEcsPlugin({ name: 'fargate', key: 'fargate', launchTypes: 'fargate' });
}

export const fargateDiscoveryPlugin: DiscoveryPlugin = createFargatePlugin();

/** ContainerModule binding the Fargate plugin under `DiscoveryPluginToken` (the daemon loads it with `ecs`). */
export const fargateDiscoveryModule = discoveryPluginModule(createFargatePlugin);
