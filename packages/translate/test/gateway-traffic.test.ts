import { createServer, type Server } from 'node:http';
import { freePort, httpGet, listenOn, type StaticEnvoy, startStaticEnvoy, waitFor } from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mesh from './helpers/mesh-yaml.ts';

/**
 * Real traffic through a translated virtual gateway: a real Envoy runs the gateway's config (made static) on
 * loopback, in front of two real HTTP servers standing for the virtual nodes `red` and `blue`.
 */
function specs(gatewayPort: number, redPort: number, bluePort: number): string {
  return mesh.yaml(
    `---
apiVersion: plexus/v1
kind: VirtualGateway
metadata: { name: gw, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${gatewayPort}, protocol: http } }]
---
apiVersion: plexus/v1
kind: GatewayRoute
metadata: { name: color, mesh: m, virtualGateway: gw }
spec:
  priority: 1
  httpRoute:
    match: { prefix: /color }
    action:
      target: { virtualService: { virtualServiceName: color.m.local } }
---
apiVersion: plexus/v1
kind: GatewayRoute
metadata: { name: keep, mesh: m, virtualGateway: gw }
spec:
  priority: 2
  httpRoute:
    match: { prefix: /keep, headers: [{ name: x-keep, match: { exact: "1" } }] }
    action:
      target: { virtualService: { virtualServiceName: color.m.local } }
      rewrite:
        prefix: { defaultPrefix: DISABLED }
        hostname: { defaultTargetHostname: DISABLED }
`,
    mesh.listeningNode({ name: 'red', port: redPort, protocol: 'http', address: '127.0.0.1' }),
    mesh.listeningNode({ name: 'blue', port: bluePort, protocol: 'http', address: '127.0.0.1' }),
    mesh.virtualRouter('color', 9080, 'http'),
    mesh.route(
      'blue-header',
      'color',
      1,
      `  httpRoute:
    match: { prefix: /, headers: [{ name: x-color, match: { exact: blue } }] }
    action: { weightedTargets: [{ virtualNode: blue, weight: 1 }] }
`,
    ),
    mesh.route(
      'red',
      'color',
      2,
      `  httpRoute:
    match: { prefix: / }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
`,
    ),
    mesh.routerService('color.m.local', 'color'),
  );
}

function app(name: string): Server {
  return createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        app: name,
        path: req.url,
        host: req.headers.host,
        leaked: req.headers['x-plexus-virtual-service'] ?? null,
      }),
    );
  });
}

describe('virtual gateway traffic through real Envoy', () => {
  const servers: Server[] = [];
  let envoy: StaticEnvoy | undefined;
  let gatewayPort = 0;

  beforeAll(async () => {
    const [redPort, bluePort, egressPort] = [await freePort(), await freePort(), await freePort()];
    gatewayPort = await freePort();
    for (const [name, port] of [
      ['red', redPort],
      ['blue', bluePort],
    ] as const) {
      servers.push(await listenOn(app(name), port, '127.0.0.1'));
    }
    const cfg = translateProxy(
      mesh.validGraph(specs(gatewayPort, redPort!, bluePort!)),
      { kind: 'virtualGateway', mesh: 'm', name: 'gw' },
      () => undefined,
      {
        listenAddress: '127.0.0.1',
        egressPort,
      },
    );
    envoy = startStaticEnvoy(cfg, 'gw');
    await waitFor(async () => (await fetch(`http://127.0.0.1:${gatewayPort}/color`)).status === 200, {
      what: `gateway on ${gatewayPort}\n${envoy?.process.output()}`,
    });
  });

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const { status, text } = await httpGet({ port: gatewayPort, path, headers });
    return { status, body: (status === 200 ? JSON.parse(text) : text) as unknown };
  };

  it('routes through the target service`s router, rewriting prefix and host by default', async () => {
    expect((await get('/color/a/b')).body).toEqual({
      app: 'red',
      path: '/a/b',
      host: 'color.m.local',
      leaked: null,
    });
    expect((await get('/color/x', { 'x-color': 'blue' })).body).toMatchObject({ app: 'blue', path: '/x' });
  });

  it('keeps prefix and host when the rewrites are DISABLED, and matches headers', async () => {
    const r = await get('/keep/me', { 'x-keep': '1', host: 'shop.example.com' });
    expect(r.body).toEqual({ app: 'red', path: '/keep/me', host: 'shop.example.com', leaked: null });
    expect((await get('/keep/me')).status).toBe(404);
  });
});
