import { discoveryPluginModule } from '@plexus/plugin-api';
import { eksDiscoveryPlugin } from './plugin.ts';

export { type EksConfig, type LabelSelector, labelSelectorString, validateEksConfig } from './config.ts';
export { endpointHealth, endpointsFromSlices, type SliceSelection } from './endpoints.ts';
export type { EksSettings } from './kubeconfig.ts';
export { EKS_KEY, eksDiscoveryPlugin } from './plugin.ts';
export { type EksSelection, SERVICE_NAME_LABEL, selectionOf } from './selection.ts';

/** The ContainerModule `plexus run --plugin @plexus/discovery-eks` loads. */
export const eksDiscoveryModule = discoveryPluginModule(eksDiscoveryPlugin);
export default eksDiscoveryModule;
