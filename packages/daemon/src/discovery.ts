import {
  DiscoveryManager,
  type DiscoveryPlugin,
  type DiscoverySettings,
  type EndpointSet,
  endpointKey,
} from '@plexus/plugin-api';
import type { Logger } from 'pino';
import type { Discovery } from './stages.ts';

/** The daemon's discovery: the plugin-api DiscoveryManager over the loaded plugins, keyed `mesh/node`. */
export function createDiscovery(
  plugins: DiscoveryPlugin[],
  settings: DiscoverySettings,
  log: Logger,
): Discovery {
  const plog = log.child({ stage: 'discovery' });
  const manager = new DiscoveryManager({
    plugins,
    settings,
    logger: {
      debug: (msg, fields) => plog.debug(fields ?? {}, msg),
      info: (msg, fields) => plog.info(fields ?? {}, msg),
      warn: (msg, fields) => plog.warn(fields ?? {}, msg),
      error: (msg, fields) => plog.error(fields ?? {}, msg),
    },
  });
  return {
    async update(resources) {
      manager.setResources(resources);
      // Let watches that answer at once (static) report, so the revision goes out with its endpoints.
      await new Promise((r) => setImmediate(r));
      manager.flush();
    },
    current() {
      const out = new Map<string, EndpointSet>();
      for (const set of manager.current()) out.set(endpointKey(set.mesh, set.virtualNode), set);
      return out;
    },
    onChange(listener) {
      manager.onChange(() => listener());
    },
    stop() {
      manager.close();
    },
  };
}
