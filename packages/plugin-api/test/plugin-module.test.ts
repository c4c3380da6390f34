import { checkSchema, ServiceDiscoverySchema, serviceDiscoveryKeys } from '@plexus/spec';
import { describe, expect, it } from 'vitest';
import {
  DiscoveryPluginToken,
  discoveryPluginModule,
  loadDiscoveryPlugins,
  parseIssuePath,
  registerDiscoveryPluginKeys,
  validateDiscoveryConfig,
} from '../src/index.ts';
import { startPluginHarness } from '../src/testing.ts';
import { controllablePlugin, ep } from './fake-plugin.ts';

describe('plugin modules and spec integration', () => {
  it('multi-binds plugins from several modules under DiscoveryPluginToken', () => {
    const a = controllablePlugin('a', ['ka']).plugin;
    const b = controllablePlugin('b', ['kb']).plugin;
    const plugins = loadDiscoveryPlugins(
      discoveryPluginModule(a),
      discoveryPluginModule(() => b),
    );
    expect(plugins.map((p) => p.name)).toEqual(['a', 'b']);
    expect(typeof DiscoveryPluginToken).toBe('symbol');
  });

  it('parses relative issue paths', () => {
    expect(parseIssuePath('endpoints[0].address')).toEqual(['endpoints', 0, 'address']);
    expect(parseIssuePath('')).toEqual([]);
  });

  it('prefixes issue paths with spec.serviceDiscovery.<key>', () => {
    const p = controllablePlugin('a', ['ka']).plugin;
    expect(validateDiscoveryConfig([p], 'ka', { bad: 1 })).toEqual([
      { path: 'spec.serviceDiscovery.ka.bad', message: 'is bad' },
    ]);
    expect(validateDiscoveryConfig([p], 'nope', {})[0].message).toContain('known: ka');
  });

  it('registers plugin keys with the spec schema so the validator calls validateConfig', () => {
    const p = controllablePlugin('zz', ['zzKey', 'static']).plugin;
    const undo = registerDiscoveryPluginKeys([p]);
    try {
      expect(serviceDiscoveryKeys()).toContain('zzKey');
      const issues = checkSchema(ServiceDiscoverySchema, { zzKey: { bad: true } }, ['serviceDiscovery']);
      expect(issues).toEqual([{ path: ['serviceDiscovery', 'zzKey', 'bad'], message: 'is bad' }]);
      expect(checkSchema(ServiceDiscoverySchema, { zzKey: {} }, ['serviceDiscovery'])).toEqual([]);
    } finally {
      undo();
    }
    expect(serviceDiscoveryKeys()).not.toContain('zzKey');
  });

  it('reference-counts registrations made by several callers', () => {
    const p = controllablePlugin('yy', ['yyKey']).plugin;
    const first = registerDiscoveryPluginKeys([p]);
    const second = registerDiscoveryPluginKeys([p]);
    first();
    first();
    expect(serviceDiscoveryKeys()).toContain('yyKey');
    second();
    expect(serviceDiscoveryKeys()).not.toContain('yyKey');
  });

  it('harness collects updates and errors', async () => {
    const fake = controllablePlugin('h', ['hk']);
    const h = startPluginHarness(discoveryPluginModule(fake.plugin), { key: 'hk', config: {} });
    try {
      const next = h.nextUpdate(1000);
      fake.update('test/node', [ep('10.0.0.1')]);
      expect(await next).toEqual([ep('10.0.0.1')]);
      const err = h.nextError(1000);
      fake.fail('test/node', 'nope');
      expect((await err).message).toBe('nope');
      await expect(h.waitForUpdate((e) => e.length === 2, 50)).rejects.toThrow('timed out');
    } finally {
      h.stop();
    }
    expect(fake.disposed).toEqual(['test/node']);
  });
});
