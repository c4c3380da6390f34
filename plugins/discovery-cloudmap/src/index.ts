import { discoveryPluginModule } from '@plexus/plugin-api';
import { createCloudMapPlugin } from './plugin.ts';

export * from './config.ts';
export * from './instances.ts';
export * from './plugin.ts';

/** ContainerModule binding the Cloud Map plugin under `DiscoveryPluginToken`. */
export const cloudMapDiscoveryModule = discoveryPluginModule(createCloudMapPlugin);
export default cloudMapDiscoveryModule;
