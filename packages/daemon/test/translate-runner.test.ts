/** The translate runner over the real graph and translate stages: an endpoint change reaches its users only. */
import type { EndpointSet } from '@plexus/plugin-api';
import type { Kind, SpecResource } from '@plexus/spec';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadCoreStages } from '../src/core-stages.ts';
import { type ConfigSnapshot, createChannels, type GraphSnapshot } from '../src/messages.ts';
import { createTranslateRunner } from '../src/runners/translate-runner.ts';
import type { CoreStages, ProxyRef } from '../src/stages.ts';

function endpoints(node: string, address: string): [string, EndpointSet] {
  return [
    `m/${node}`,
    {
      mesh: 'm',
      virtualNode: node,
      source: 'static',
      endpoints: [{ address, port: 9080, health: 'healthy' }],
    },
  ];
}

function res(kind: Kind, name: string, spec: unknown, parent?: { virtualRouter: string }): SpecResource {
  const position = { file: 'mesh.yaml', line: 1, col: 1 };
  return { kind, mesh: 'm', name, spec, format: 'native', position, positionOf: () => position, ...parent };
}

/** front → router color → red; back → db; lonely reaches nothing. */
function mesh(): SpecResource[] {
  const listeners = (port: number) => [{ portMapping: { port, protocol: 'http' } }];
  const route = {
    httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] } },
  };
  return [
    res('Mesh', 'm', { egressFilter: { type: 'DROP_ALL' } }),
    res('VirtualNode', 'front', { backends: [{ virtualService: { virtualServiceName: 'color' } }] }),
    res('VirtualNode', 'back', { backends: [{ virtualService: { virtualServiceName: 'db' } }] }),
    res('VirtualNode', 'lonely', {}),
    res('VirtualNode', 'red', { listeners: listeners(9080) }),
    res('VirtualNode', 'db', { listeners: listeners(5432) }),
    res('VirtualRouter', 'color', { listeners: listeners(9080) }),
    res('Route', 'r', route, { virtualRouter: 'color' }),
    res('VirtualService', 'color', { provider: { virtualRouter: { virtualRouterName: 'color' } } }),
    res('VirtualService', 'db', { provider: { virtualNode: { virtualNodeName: 'db' } } }),
  ];
}

describe('translate runner (real graph and translate stages)', () => {
  it('re-translates only the proxies using the node whose endpoints changed and keeps the other configs', async () => {
    const real = await loadCoreStages();
    const translated: string[] = [];
    const stages: CoreStages = {
      ...real,
      translateProxy: (graph, ref, lookup, options) => {
        translated.push(real.proxyKey(ref));
        return real.translateProxy(graph, ref, lookup, options);
      },
    };
    const channels = createChannels();
    const runner = createTranslateRunner(stages, channels, pino({ level: 'silent' }));
    runner.start();
    const snaps: ConfigSnapshot[] = [];
    channels.configs.subscribe((s) => snaps.push(s));

    const graph = stages.buildGraph(mesh());
    const proxies = new Map<string, ProxyRef>();
    for (const id of stages.proxyIds(graph)) proxies.set(id, stages.parseProxyId(id)!);
    const snap: GraphSnapshot = { revision: 'r1', seenAt: 0, resources: mesh(), graph, proxies };
    const first = new Map([endpoints('red', '10.0.0.1'), endpoints('db', '10.0.0.2')]);
    channels.discovered.publish({ graph: snap, endpoints: first, cause: 'revision' });
    await runner.idle?.();
    expect(translated.sort()).toEqual([...proxies.keys()].sort());

    translated.length = 0;
    const second = new Map([endpoints('red', '10.0.0.9'), endpoints('db', '10.0.0.2')]);
    channels.discovered.publish({ graph: snap, endpoints: second, cause: 'endpoints' });
    await runner.idle?.();
    const users = [...(stages.proxiesUsingNode?.(graph, 'm', 'red') ?? [])];
    expect(users).toEqual(['mesh/m/virtualNode/front']);
    expect(translated).toEqual(users);
    const [before, after] = snaps.slice(-2) as [ConfigSnapshot, ConfigSnapshot];
    for (const id of proxies.keys()) {
      if (users.includes(id)) expect(after.configs.get(id)).not.toBe(before.configs.get(id));
      else expect(after.configs.get(id)).toBe(before.configs.get(id));
    }
    expect(JSON.stringify(after.configs.get(users[0]!)?.endpoints)).toContain('10.0.0.9');
    await runner.stop();
  });
});
