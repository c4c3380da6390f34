import dnsModule from '@plexus/discovery-dns';
import { DiscoveryManager, type EndpointSet, loadDiscoveryPlugins } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import { staysQuiet, waitFor } from '@plexus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import staticModule from '../src/index.ts';

function node(name: string, serviceDiscovery: Record<string, unknown>, port = 8080): SpecResource {
  const position = { file: `${name}.yaml`, line: 1, col: 1 };
  return {
    kind: 'VirtualNode',
    mesh: 'colorapp',
    name,
    spec: { listeners: [{ portMapping: { port, protocol: 'http' } }], serviceDiscovery },
    format: 'native',
    position,
    positionOf: () => position,
  };
}

let manager: DiscoveryManager | undefined;
afterEach(() => manager?.close());

describe('DiscoveryManager over real plugin modules (static + dns) from one container', () => {
  it('routes each node to the plugin of its key and follows spec changes', async () => {
    const plugins = loadDiscoveryPlugins(staticModule, dnsModule);
    expect(plugins.map((p) => p.name)).toEqual(['static', 'dns']);
    manager = new DiscoveryManager({ plugins, debounceMs: 10, settings: { pollIntervalMs: 200 } });
    const batches: EndpointSet[][] = [];
    manager.onChange((sets) => batches.push(sets));
    manager.setResources([
      node('red', { static: { endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2', port: 9000 }] } }),
      node('blue', { dns: { hostname: 'localhost', ipPreference: 'IPv4_ONLY' } }, 7000),
    ]);
    await waitFor(() => manager?.current().length === 2, { what: 'both sets' });
    const byName = new Map(manager.current().map((s) => [s.virtualNode, s]));
    expect(byName.get('red')).toEqual({
      mesh: 'colorapp',
      virtualNode: 'red',
      source: 'static',
      endpoints: [
        { address: '10.0.0.1', port: 8080, health: 'healthy' },
        { address: '10.0.0.2', port: 9000, health: 'healthy' },
      ],
    });
    expect(byName.get('blue')).toMatchObject({
      source: 'dns',
      endpoints: [{ address: '127.0.0.1', port: 7000 }],
    });

    // the dns watch re-resolves every 200 ms to the same answer: no further onChange for it
    const seen = batches.length;
    manager.setResources([
      node('red', { static: { endpoints: [{ address: '10.0.0.3' }] } }),
      node('blue', { dns: { hostname: 'localhost', ipPreference: 'IPv4_ONLY' } }, 7000),
    ]);
    await waitFor(() => batches.length > seen, { what: 'changed red' });
    // two re-resolves and more, each the same answer
    await staysQuiet(() => batches.length > seen + 1, { quietMs: 500, what: 'no onChange after red' });
    const later = batches.slice(seen).flat();
    expect(later).toEqual([
      {
        mesh: 'colorapp',
        virtualNode: 'red',
        source: 'static',
        endpoints: [{ address: '10.0.0.3', port: 8080, health: 'healthy' }],
      },
    ]);

    manager.setResources([node('red', { static: { endpoints: [{ address: '10.0.0.3' }] } })]);
    await waitFor(() => batches.flat().some((s) => s.removed === true), { what: 'blue removed' });
    expect(manager.current().map((s) => s.virtualNode)).toEqual(['red']);
  });
});
