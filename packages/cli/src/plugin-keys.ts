import { BUILTIN_PLUGINS, importPluginModules } from '@plexus/daemon';
import { loadDiscoveryPlugins, registerDiscoveryPluginKeys } from '@plexus/plugin-api';
import { pino } from 'pino';

/**
 * Teaches the spec validator the `serviceDiscovery` keys of the built-in discovery plugins and of `extra`
 * plugin packages (comma-separated `--plugin` values), as the daemon does, so offline commands agree with it.
 */
export async function registerPluginDiscoveryKeys(extra: string | undefined): Promise<() => void> {
  const packages = (extra ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const modules = await importPluginModules(BUILTIN_PLUGINS, packages, pino({ level: 'silent' }));
  return registerDiscoveryPluginKeys(loadDiscoveryPlugins(...modules));
}
