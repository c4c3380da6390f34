import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAndValidate, resourceId } from '@plexus/spec';
import { expect, test } from 'vitest';

const dir = join(import.meta.dirname, '..', 'mesh');
const files = readdirSync(dir).map((f) => ({
  path: `mesh/${f}`,
  content: readFileSync(join(dir, f), 'utf8'),
}));

test('the colorapp example is a valid, complete mesh', () => {
  const result = loadAndValidate(files);
  expect(result.diagnostics).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.resources.map(resourceId).sort()).toEqual([
    'GatewayRoute/colorapp/ingress-gw/to-front',
    'Mesh/colorapp/colorapp',
    'Route/colorapp/colorteller/colors',
    'VirtualGateway/colorapp/ingress-gw',
    'VirtualNode/colorapp/colorteller-blue',
    'VirtualNode/colorapp/colorteller-green',
    'VirtualNode/colorapp/colorteller-red',
    'VirtualNode/colorapp/front',
    'VirtualRouter/colorapp/colorteller',
    'VirtualService/colorapp/colorteller.colorapp.local',
    'VirtualService/colorapp/front.colorapp.local',
  ]);
});

test('each colorteller node has its own static endpoint on 127.0.0.1', () => {
  const { resources } = loadAndValidate(files);
  const endpoints = resources
    .filter((r) => r.kind === 'VirtualNode')
    .map((r) => {
      const spec = r.spec as {
        serviceDiscovery: { static: { endpoints: Array<{ address: string; port: number }> } };
      };
      return [r.name, spec.serviceDiscovery.static.endpoints.map((e) => `${e.address}:${e.port}`).join(',')];
    });
  expect(Object.fromEntries(endpoints)).toEqual({
    front: '127.0.0.1:9080',
    'colorteller-red': '127.0.0.1:9081',
    'colorteller-blue': '127.0.0.1:9082',
    'colorteller-green': '127.0.0.1:9083',
  });
});
