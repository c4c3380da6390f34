import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PluginHarness, startPluginHarness } from '@plexus/plugin-api/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import helloModule, { helloDiscoveryPlugin } from '../src/index.ts';

describe('hello example plugin (endpoints from a watched JSON file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-hello-'));
  let h: PluginHarness | undefined;
  afterEach(() => h?.stop());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the file, then every change to it, including atomic replaces', async () => {
    writeFileSync(join(dir, 'color.json'), JSON.stringify([{ address: '10.0.0.1', zone: 'us-west-2a' }]));
    h = startPluginHarness(
      helloModule,
      { key: 'hello', config: { file: 'color.json' }, listenerPorts: [9080] },
      { settings: { plugins: { hello: { dir } } } },
    );
    expect(await h.waitForUpdate((e) => e.length === 1)).toEqual([
      { address: '10.0.0.1', port: 9080, zone: 'us-west-2a', health: 'healthy' },
    ]);

    writeFileSync(
      join(dir, 'color.json'),
      JSON.stringify([{ address: '10.0.0.1' }, { address: '10.0.0.2', port: 9443, health: 'draining' }]),
    );
    await h.waitForUpdate((e) => e.length === 2);

    writeFileSync(join(dir, 'color.json.tmp'), JSON.stringify([{ address: '10.0.0.3' }]));
    renameSync(join(dir, 'color.json.tmp'), join(dir, 'color.json'));
    expect(await h.waitForUpdate((e) => e[0]?.address === '10.0.0.3')).toEqual([
      { address: '10.0.0.3', port: 9080, health: 'healthy' },
    ]);
  });

  it('reports a broken file through sink.error, naming the file and entry', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ address: 'not-an-ip' }]));
    h = startPluginHarness(helloModule, { key: 'hello', config: { file: join(dir, 'bad.json') } });
    expect((await h.nextError()).message).toBe(
      `${join(dir, 'bad.json')}: [0].address: expected an IP literal`,
    );
  });

  it('validates its config block with paths relative to it', () => {
    expect(helloDiscoveryPlugin.validateConfig('hello', { file: 'x.yaml', extra: 1 })).toEqual([
      { path: 'extra', message: 'unknown field (allowed: file)' },
      { path: 'file', message: 'expected a .json file' },
    ]);
    expect(helloDiscoveryPlugin.validateConfig('hello', {})).toEqual([{ path: 'file', message: 'required' }]);
  });
});
