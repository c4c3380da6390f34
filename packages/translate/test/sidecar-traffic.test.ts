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
import { type EnvoyConfig, translateProxy, withoutApiListeners } from '@plexus/translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Real traffic through translated sidecar listeners, without iptables: the egress listener is bound on the
 * service port itself (so the destination port its filter chains match is the one the app dialled), and the
 * ingress listener on the node's listener port, with the local app on another loopback address.
 * Apps red and blue listen on 127.0.0.2 / 127.0.0.3 as two pods would; one Envoy runs front's egress and
 * solo's ingress config together (solo's app on 127.0.0.4).
 */
function specs(port: number, soloPort: number): string {
  return `
apiVersion: plexus/v1
kind: Mesh
metadata: { name: m }
spec: {}
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: front, mesh: m }
spec:
  backends: [{ virtualService: { virtualServiceName: color.m.local } }]
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: red, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.2 }] } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: blue, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.3 }] } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: solo, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${soloPort}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.4 }] } }
---
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: color, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: http } }]
---
apiVersion: plexus/v1
kind: Route
metadata: { name: blue, mesh: m, virtualRouter: color }
spec:
  priority: 1
  httpRoute:
    match: { prefix: /, queryParameters: [{ name: color, match: { exact: blue } }] }
    action: { weightedTargets: [{ virtualNode: blue, weight: 1 }] }
---
apiVersion: plexus/v1
kind: Route
metadata: { name: red, mesh: m, virtualRouter: color }
spec:
  priority: 2
  httpRoute:
    match: { prefix: /, method: GET }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: color.m.local, mesh: m }
spec: { provider: { virtualRouter: { virtualRouterName: color } } }
`;
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
  let envoy: Started | undefined;
  let dir = '';
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
      await new Promise<void>((r) => s.listen(name === 'solo' ? soloPort : port, host, r));
      servers.push(s);
    }
    const loaded = loadAndValidate([{ path: 'mesh.yaml', content: specs(port, soloPort) }]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = buildGraph(loaded.resources);
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
    dir = mkdtempSync(join(tmpdir(), 'plexus-sidecar-'));
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
    await waitFor(async () => (await get(port, '/', `color.m.local:${port}`)).status === 200, {
      what: `egress listener on ${port}: ${envoy?.output()}`,
    });
  });

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const get = (to: number, path: string, host: string, method = 'GET') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: to, path, method, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => {
          body += b.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

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
