import { discoveryPluginModule, loadDiscoveryPlugins } from '@plexus/plugin-api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { containerModulesOf, importPluginModules } from '../src/index.ts';

const plugin = { name: 'x', keys: ['x'], validateConfig: () => [], watch: () => ({ dispose() {} }) };

describe('plugin loading', () => {
  it('finds ContainerModules among a package’s exports, default first', () => {
    const a = discoveryPluginModule(plugin);
    const b = discoveryPluginModule(plugin);
    expect(containerModulesOf({ default: b, a, other: 1, fn: () => {} })).toEqual([b, a]);
  });

  it('loads a third-party plugin package given with --plugin (plexus-plugin-hello)', async () => {
    const modules = await importPluginModules([], ['plexus-plugin-hello'], pino({ level: 'silent' }));
    expect(modules).toHaveLength(1);
    const plugins = loadDiscoveryPlugins(...modules);
    expect(plugins).toHaveLength(1);
    expect(plugins[0]!.keys.length).toBeGreaterThan(0);
  });

  it('loads the static plugin, and fails loudly for an explicit --plugin that is missing', async () => {
    const log = pino({ level: 'silent' });
    expect(await importPluginModules(['@plexus/discovery-static'], [], log)).toHaveLength(1);
    await expect(importPluginModules([], ['@plexus/no-such-plugin'], log)).rejects.toThrow(
      /plugin @plexus\/no-such-plugin: cannot import it/,
    );
    await expect(importPluginModules([], ['@plexus/spec'], log)).rejects.toThrow(
      /exports no inversify ContainerModule/,
    );
  });
});
