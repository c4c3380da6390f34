import { Container, ContainerModule } from 'inversify';
import type { DiscoveryPlugin } from './plugin.ts';
import { DiscoveryPluginToken } from './tokens.ts';

/**
 * Wraps a plugin value (or a factory run once per container) into the ContainerModule a plugin package
 * exports. Binds it under the multi-injection `DiscoveryPluginToken`.
 */
export function discoveryPluginModule(plugin: DiscoveryPlugin | (() => DiscoveryPlugin)): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (typeof plugin === 'function') bind(DiscoveryPluginToken).toDynamicValue(plugin).inSingletonScope();
    else bind(DiscoveryPluginToken).toConstantValue(plugin);
  });
}

/** All plugins bound in `container` (empty when none). */
export function discoveryPluginsOf(container: Container): DiscoveryPlugin[] {
  return container.isBound(DiscoveryPluginToken) ? container.getAll(DiscoveryPluginToken) : [];
}

/** Loads `modules` into a fresh container and returns their plugins (a convenience for the daemon and tests). */
export function loadDiscoveryPlugins(...modules: ContainerModule[]): DiscoveryPlugin[] {
  const container = new Container();
  container.load(...modules);
  return discoveryPluginsOf(container);
}
