import type { ServiceIdentifier } from 'inversify';
import type { DiscoveryPlugin, DiscoverySettings } from './plugin.ts';

/** Multi-injection token: every discovery plugin module binds one `DiscoveryPlugin` under it. */
export const DiscoveryPluginToken: ServiceIdentifier<DiscoveryPlugin> = Symbol.for('plexus.DiscoveryPlugin');

/** Optional: the daemon may bind `DiscoverySettings` here; `discoveryPluginModule` factories receive it. */
export const DiscoverySettingsToken: ServiceIdentifier<DiscoverySettings> =
  Symbol.for('plexus.DiscoverySettings');
