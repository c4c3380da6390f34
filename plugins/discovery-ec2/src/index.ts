import { discoveryPluginModule } from '@plexus/plugin-api';
import { createEc2Plugin } from './plugin.ts';

export * from './config.ts';
export * from './instances.ts';
export * from './plugin.ts';

/** ContainerModule binding the EC2 plugin under `DiscoveryPluginToken`. */
export const ec2DiscoveryModule = discoveryPluginModule(createEc2Plugin);
export default ec2DiscoveryModule;
