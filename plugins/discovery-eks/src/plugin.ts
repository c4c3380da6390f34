import { type DiscoveryPlugin, lazyWatch } from '@plexus/plugin-api';
import { validateEksConfig } from './config.ts';

/** The `spec.serviceDiscovery` key this plugin handles. */
export const EKS_KEY = 'eks';

/** Kubernetes EndpointSlices (EKS or any cluster) as a discovery source. */
export const eksDiscoveryPlugin: DiscoveryPlugin = {
  name: 'eks',
  keys: [EKS_KEY],
  validateConfig: (_key, config) => validateEksConfig(config),
  // The Kubernetes client loads on the first watch, not with the package; its watches share informers.
  watch: lazyWatch(async () => (await import('./watch.ts')).eksWatch()),
};
