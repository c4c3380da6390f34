import { discoveryPluginModule } from '@plexus/plugin-api';
import { createDnsPlugin } from './plugin.ts';

export * from './config.ts';
export * from './plugin.ts';
export * from './resolve.ts';

/** ContainerModule binding the DNS plugin under `DiscoveryPluginToken`. */
export const dnsDiscoveryModule = discoveryPluginModule(createDnsPlugin);
export default dnsDiscoveryModule;
