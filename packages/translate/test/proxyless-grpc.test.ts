import type * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { parseProxyId, proxyKey } from '@plexus/graph';
import { callEcho, freePort, startEchoServer, xdsClient } from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';
import { XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mesh from './helpers/mesh-yaml.ts';

/**
 * The proxyless contract end to end: a real @grpc/grpc-js-xds client whose node is mesh/m/virtualNode/client
 * dials xds:///echo.m.local:<port>, gets the translated config from the Plexus xDS server and reaches the real
 * gRPC servers standing for the virtual nodes red and blue, through the router's gRPC routes.
 */
const SAY = '/test.Echo/Say';

function specs(port: number, redAddress: string, blueAddress: string): string {
  return mesh.yaml(
    mesh.clientNode('client', 'echo.m.local'),
    mesh.listeningNode({ name: 'red', port, protocol: 'grpc', address: redAddress, zone: 'z1' }),
    mesh.listeningNode({ name: 'blue', port, protocol: 'grpc', address: blueAddress }),
    mesh.virtualRouter('echo', port, 'grpc'),
    mesh.route(
      'blue',
      'echo',
      1,
      `  grpcRoute:
    match:
      serviceName: test.Echo
      metadata: [{ name: x-color, match: { exact: blue } }]
    action: { weightedTargets: [{ virtualNode: blue, weight: 1 }] }
`,
    ),
    mesh.route(
      'red',
      'echo',
      2,
      `  grpcRoute:
    match: { serviceName: test.Echo, methodName: Say }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
`,
    ),
    mesh.routerService('echo.m.local', 'echo'),
  );
}

describe('proxyless gRPC through translated config', () => {
  const servers: grpc.Server[] = [];
  let xds: XdsServer | undefined;
  let client: grpc.Client | undefined;
  let port = 0;

  beforeAll(async () => {
    // Both apps listen on the same port on different loopback addresses, as two pods would.
    port = await freePort('127.0.0.2');
    for (const [name, host] of [
      ['red', '127.0.0.2'],
      ['blue', '127.0.0.3'],
    ] as const) {
      servers.push((await startEchoServer(name, { host, port, path: SAY })).server);
    }
    const graph = mesh.validGraph(specs(port, '127.0.0.2', '127.0.0.3'));
    const ref = { kind: 'virtualNode' as const, mesh: 'm', name: 'client' };
    xds = new XdsServer({
      resolveProxy: (node) => {
        const p = parseProxyId(node.id);
        return p ? proxyKey(p) : { error: `unknown node ${node.id}`, code: 'NOT_FOUND' };
      },
    });
    xds.setProxyConfig(
      proxyKey(ref),
      translateProxy(graph, ref, () => undefined),
    );
    const xdsPort = await xds.listen('127.0.0.1:0');
    grpcXds.register();
    client = xdsClient(`xds:///echo.m.local:${port}`, 'mesh/m/virtualNode/client', xdsPort);
  });

  afterAll(async () => {
    client?.close();
    for (const s of servers) s.forceShutdown();
    await xds?.shutdown(1000);
  });

  const say = (metadata?: Record<string, string>) =>
    callEcho(client!, { path: SAY, metadata, deadlineMs: 15_000 });

  it('routes by the router`s gRPC routes, metadata match first', async () => {
    expect(await say()).toBe('red');
    expect(await say({ 'x-color': 'blue' })).toBe('blue');
  });
});
