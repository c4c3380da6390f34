import { discoveryPluginModule } from '@plexus/plugin-api';
import { staticDiscoveryPlugin } from './plugin.ts';

export * from './config.ts';
export * from './plugin.ts';

/** ContainerModule binding the static plugin under `DiscoveryPluginToken`. */
export const staticDiscoveryModule = discoveryPluginModule(staticDiscoveryPlugin);
export default staticDiscoveryModule;
