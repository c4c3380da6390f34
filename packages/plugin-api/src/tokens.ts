import type { ServiceIdentifier } from 'inversify';
import type { DiscoveryPlugin } from './plugin.ts';

/** Multi-injection token: every discovery plugin module binds one `DiscoveryPlugin` under it. */
export const DiscoveryPluginToken: ServiceIdentifier<DiscoveryPlugin> = Symbol.for('plexus.DiscoveryPlugin');
