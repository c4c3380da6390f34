import type { DiscoveryPlugin, Endpoint } from '@plexus/plugin-api';
import { type StaticConfig, validateStaticConfig } from './config.ts';

/** Endpoints of a static block; an endpoint without port takes the node's first listener port. */
export function staticEndpoints(config: StaticConfig, listenerPorts: number[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const e of config.endpoints) {
    const port = e.port ?? listenerPorts[0];
    if (port === undefined) continue;
    const ep: Endpoint = { address: e.address, port, health: 'healthy' };
    if (e.zone) ep.zone = e.zone;
    out.push(ep);
  }
  return out;
}

/** The embedded default: `spec.serviceDiscovery.static.endpoints[{address, port?, zone?}]`. */
export const staticDiscoveryPlugin: DiscoveryPlugin = {
  name: 'static',
  keys: ['static'],
  validateConfig: (_key, config) => validateStaticConfig(config),
  watch(target, sink) {
    let disposed = false;
    // Report asynchronously, like every other source, so callers never see re-entrant updates.
    queueMicrotask(() => {
      if (!disposed) sink.update(staticEndpoints(target.config as StaticConfig, target.listenerPorts));
    });
    return {
      dispose() {
        disposed = true;
      },
    };
  },
};
