import { discoveryPluginModule } from '@plexus/plugin-api';
import { createEcsPlugin } from './plugin.ts';

export * from './config.ts';
export * from './fargate.ts';
export type { LaunchTypeFilter } from './fetch.ts';
export * from './plugin.ts';
export * from './port-selection.ts';
export * from './tasks.ts';

/** ContainerModule binding the ECS plugin under `DiscoveryPluginToken` (the Fargate one is a named export). */
export const ecsDiscoveryModule = discoveryPluginModule(() =>
  createEcsPlugin({ name: 'ecs', key: 'ecs', launchTypes: 'ec2' }),
);
export default ecsDiscoveryModule;
