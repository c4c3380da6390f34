import { DiscoveryManager, type EndpointSet } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import { type FakeKubeApiServer, startFakeKubeApiServer, waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eksDiscoveryPlugin } from '../src/index.ts';
import { endpointSlice, summary } from './fixtures.ts';

function virtualNode(name: string, serviceDiscovery: unknown): SpecResource {
  const position = { file: 'mesh.yaml', line: 1, col: 1 };
  return {
    kind: 'VirtualNode',
    mesh: 'shop',
    name,
    spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }], serviceDiscovery },
    format: 'native',
    position,
    positionOf: () => position,
  };
}

// The failure contract end to end: DiscoveryManager + eks plugin + a fake API server that goes away.
describe('eks discovery when the API server goes down', () => {
  let api: FakeKubeApiServer;
  let manager: DiscoveryManager;
  const seen: EndpointSet[] = [];

  beforeAll(async () => {
    api = await startFakeKubeApiServer();
    manager = new DiscoveryManager({
      plugins: [eksDiscoveryPlugin],
      settings: { plugins: { eks: { server: api.url } } },
      debounceMs: 10,
      retry: { baseMs: 50, maxMs: 400 },
    });
    manager.onChange((sets) => seen.push(...sets));
  });
  afterAll(async () => {
    manager.close();
    await api.stop();
  });

  it('keeps the last endpoints (stale) while down and recovers after the restart', async () => {
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart-1', 'cart', [{ ip: '10.8.0.1' }, { ip: '10.8.0.2' }]),
    );
    manager.setResources([virtualNode('cart', { eks: { service: 'cart', namespace: 'shop' } })]);
    await waitFor(() => manager.get('shop', 'cart')?.endpoints.length === 2, { what: 'first endpoints' });

    await api.stop();
    await waitFor(() => manager.get('shop', 'cart')?.stale === true, { what: 'stale endpoints' });
    const stale = manager.get('shop', 'cart');
    expect(summary(stale?.endpoints ?? [])).toEqual(['10.8.0.1:8080 healthy', '10.8.0.2:8080 healthy']);
    expect(stale?.source).toBe('eks');
    const status = manager.status().find((s) => s.virtualNode === 'cart');
    expect(status?.lastError).toMatch(/^eks: .*namespace shop/);

    // Changed while the client could not see it; the restarted watch lists afresh.
    api.delete('endpointslices', 'shop', 'cart-1');
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart-2', 'cart', [{ ip: '10.8.0.3', zone: 'us-east-1a' }]),
    );
    await api.start();
    await waitFor(() => manager.get('shop', 'cart')?.endpoints[0]?.address === '10.8.0.3', {
      what: 'fresh endpoints',
      timeoutMs: 30_000,
    });
    expect(manager.get('shop', 'cart')?.stale).toBeUndefined();
    expect(summary(manager.get('shop', 'cart')?.endpoints ?? [])).toEqual([
      '10.8.0.3:8080 healthy us-east-1a',
    ]);
    expect(seen.some((s) => s.stale === true)).toBe(true);
  });
});
