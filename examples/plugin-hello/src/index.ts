import { discoveryPluginModule } from '@plexus/plugin-api';
import { helloDiscoveryPlugin } from './plugin.ts';

export { type HelloConfig, validateHelloConfig } from './config.ts';
export { helloDiscoveryPlugin } from './plugin.ts';
export { readEndpointsFile } from './read-endpoints.ts';

/** What `plexus run --plugin plexus-plugin-hello` loads: the default export, an inversify ContainerModule. */
const helloDiscoveryModule = discoveryPluginModule(helloDiscoveryPlugin);
export default helloDiscoveryModule;
