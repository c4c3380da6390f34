import { BUILTIN_PLUGINS, importPluginModules } from '@plexus/daemon';
import { loadDiscoveryPlugins, registerDiscoveryPluginKeys } from '@plexus/plugin-api';
import { pino } from 'pino';

/** `--plugin` in every command: repeat it, or give several packages comma-separated, or both. */
export function pluginPackages(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Teaches the spec validator the `serviceDiscovery` keys of the built-in discovery plugins and of the `packages`
 * given with `--plugin`, as the daemon does, so offline commands agree with it.
 */
export async function registerPluginDiscoveryKeys(packages: string[]): Promise<() => void> {
  const modules = await importPluginModules(BUILTIN_PLUGINS, packages, pino({ level: 'silent' }));
  return registerDiscoveryPluginKeys(loadDiscoveryPlugins(...modules));
}
