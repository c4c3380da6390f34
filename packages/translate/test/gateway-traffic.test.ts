import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import {
  envoyBinary,
  freePort,
  type Started,
  startProcess,
  toStaticBootstrap,
  waitFor,
} from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Real traffic through a translated virtual gateway: a real Envoy runs the gateway's config (made static) on
 * loopback, in front of two real HTTP servers standing for the virtual nodes `red` and `blue`.
 */
function specs(gatewayPort: number, redPort: number, bluePort: number): string {
  return `
apiVersion: plexus/v1
kind: Mesh
metadata: { name: m }
spec: {}
---
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
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: red, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${redPort}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: blue, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${bluePort}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
---
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: color, mesh: m }
spec:
  listeners: [{ portMapping: { port: 9080, protocol: http } }]
---
apiVersion: plexus/v1
kind: Route
metadata: { name: blue-header, mesh: m, virtualRouter: color }
spec:
  priority: 1
  httpRoute:
    match: { prefix: /, headers: [{ name: x-color, match: { exact: blue } }] }
    action: { weightedTargets: [{ virtualNode: blue, weight: 1 }] }
---
apiVersion: plexus/v1
kind: Route
metadata: { name: red, mesh: m, virtualRouter: color }
spec:
  priority: 2
  httpRoute:
    match: { prefix: / }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: color.m.local, mesh: m }
spec: { provider: { virtualRouter: { virtualRouterName: color } } }
`;
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
  let envoy: Started | undefined;
  let dir = '';
  let gatewayPort = 0;

  beforeAll(async () => {
    const [redPort, bluePort, egressPort] = [await freePort(), await freePort(), await freePort()];
    gatewayPort = await freePort();
    for (const [name, port] of [
      ['red', redPort],
      ['blue', bluePort],
    ] as const) {
      const s = app(name);
      await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
      servers.push(s);
    }
    const loaded = loadAndValidate([{ path: 'mesh.yaml', content: specs(gatewayPort, redPort!, bluePort!) }]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const cfg = translateProxy(
      buildGraph(loaded.resources),
      { kind: 'virtualGateway', mesh: 'm', name: 'gw' },
      () => undefined,
      {
        listenAddress: '127.0.0.1',
        egressPort,
      },
    );
    dir = mkdtempSync(join(tmpdir(), 'plexus-gw-'));
    const bootstrap = join(dir, 'envoy.json');
    writeFileSync(bootstrap, JSON.stringify(toStaticBootstrap(cfg)));
    envoy = startProcess(envoyBinary(), [
      '-c',
      bootstrap,
      '--disable-hot-restart',
      '-l',
      'warn',
      '--concurrency',
      '1',
    ]);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${gatewayPort}/color`)).status === 200, {
      what: `gateway on ${gatewayPort}\n${envoy?.output()}`,
    });
  });

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** node:http, not fetch: fetch will not send a Host header of our choosing. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gatewayPort, path, headers }, (res) => {
        let text = '';
        res.on('data', (b: Buffer) => {
          text += b.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: res.statusCode === 200 ? JSON.parse(text) : text }),
        );
      });
      req.on('error', reject);
      req.end();
    });

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
