import { createServer, type Server } from 'node:http';
import { freePort, httpGet, listenOn, type StaticEnvoy, startStaticEnvoy, waitFor } from '@plexus/testkit';
import { type EnvoyConfig, translateProxy, withoutApiListeners } from '@plexus/translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mesh from './helpers/mesh-yaml.ts';

/**
 * Real traffic through translated sidecar listeners, without iptables: the egress listener is bound on the
 * service port itself (so the destination port its filter chains match is the one the app dialled), and the
 * ingress listener on the node's listener port, with the local app on another loopback address.
 * Apps red and blue listen on 127.0.0.2 / 127.0.0.3 as two pods would; one Envoy runs front's egress and
 * solo's ingress config together (solo's app on 127.0.0.4).
 */
function specs(port: number, soloPort: number): string {
  return mesh.yaml(
    mesh.clientNode('front', 'color.m.local'),
    mesh.listeningNode({ name: 'red', port, protocol: 'http', address: '127.0.0.2' }),
    mesh.listeningNode({ name: 'blue', port, protocol: 'http', address: '127.0.0.3' }),
    mesh.listeningNode({ name: 'solo', port: soloPort, protocol: 'http', address: '127.0.0.4' }),
    mesh.virtualRouter('color', port, 'http'),
    mesh.route(
      'blue',
      'color',
      1,
      `  httpRoute:
    match: { prefix: /, queryParameters: [{ name: color, match: { exact: blue } }] }
    action: { weightedTargets: [{ virtualNode: blue, weight: 1 }] }
`,
    ),
    mesh.route(
      'red',
      'color',
      2,
      `  httpRoute:
    match: { prefix: /, method: GET }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
`,
    ),
    mesh.routerService('color.m.local', 'color'),
  );
}

function merge(a: EnvoyConfig, b: EnvoyConfig): EnvoyConfig {
  return {
    listeners: [...a.listeners, ...b.listeners],
    routes: [...a.routes, ...b.routes],
    // Both proxies carry the mesh's amazonaws passthrough cluster: one Envoy takes it once.
    clusters: [...a.clusters, ...b.clusters.filter((c) => !a.clusters.some((x) => x.name === c.name))],
    endpoints: [...a.endpoints, ...b.endpoints],
    secrets: [...a.secrets, ...b.secrets],
  };
}

describe('sidecar traffic through real Envoy', () => {
  const servers: Server[] = [];
  let envoy: StaticEnvoy | undefined;
  let port = 0;
  let soloPort = 0;

  beforeAll(async () => {
    port = await freePort('127.0.0.2');
    soloPort = await freePort('127.0.0.4');
    for (const [name, host] of [
      ['red', '127.0.0.2'],
      ['blue', '127.0.0.3'],
      ['solo', '127.0.0.4'],
    ] as const) {
      const s = createServer((req, res) => res.end(`${name} ${req.method} ${req.url} ${req.headers.host}`));
      servers.push(await listenOn(s, name === 'solo' ? soloPort : port, host));
    }
    const graph = mesh.validGraph(specs(port, soloPort));
    const none = () => undefined;
    const front = translateProxy(graph, { kind: 'virtualNode', mesh: 'm', name: 'front' }, none, {
      listenAddress: '127.0.0.1',
      egressPort: port,
    });
    const solo = translateProxy(graph, { kind: 'virtualNode', mesh: 'm', name: 'solo' }, none, {
      listenAddress: '127.0.0.1',
      ingressPort: soloPort,
      localAppAddress: '127.0.0.4',
    });
    const soloIngress = {
      ...solo,
      listeners: solo.listeners.filter((l) => String(l.name).startsWith('lds_ingress')),
    };
    const cfg = merge(withoutApiListeners(front), soloIngress);
    envoy = startStaticEnvoy(cfg, 'sidecar');
    await waitFor(async () => (await get(port, '/', `color.m.local:${port}`)).status === 200, {
      what: `egress listener on ${port}: ${envoy?.process.output()}`,
    });
  });

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
  });

  const get = async (to: number, path: string, host: string, method = 'GET') => {
    const { status, text } = await httpGet({ port: to, path, method, headers: { host } });
    return { status, body: text };
  };

  it('egress: the virtual host of the backend service, its routes in priority order', async () => {
    expect(await get(port, '/a?color=blue', `color.m.local:${port}`)).toEqual({
      status: 200,
      body: `blue GET /a?color=blue color.m.local:${port}`,
    });
    expect((await get(port, '/b', 'color.m.local')).body).toBe('red GET /b color.m.local');
    expect((await get(port, '/b', 'color.m.local', 'POST')).status).toBe(404);
    expect((await get(port, '/b', 'unknown.m.local')).status).toBe(404);
  });

  it('ingress: the listener port reaches the local app', async () => {
    expect(await get(soloPort, '/x', 'solo')).toEqual({ status: 200, body: 'solo GET /x solo' });
  });
});
