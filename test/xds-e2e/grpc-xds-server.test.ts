import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import {
  bindInsecure,
  callEcho,
  echoServiceDefinition,
  freePort,
  waitFor,
  xdsBootstrapFor,
  xdsBootstrapOption,
} from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { afterAll, expect, it } from 'vitest';

const T = 'type.googleapis.com/';
const LDS = `${T}envoy.config.listener.v3.Listener`;

/** The inbound listener an xDS-enabled gRPC server asks for: inline route with a non-forwarding action. */
function serverListener(name: string, port: number) {
  return {
    '@type': LDS,
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: port } },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typedConfig: {
              '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
              statPrefix: 'inbound',
              routeConfig: {
                name: 'inbound',
                virtualHosts: [
                  {
                    name: 'inbound',
                    domains: ['*'],
                    routes: [{ match: { prefix: '' }, nonForwardingAction: {} }],
                  },
                ],
              },
              httpFilters: [
                {
                  name: 'envoy.filters.http.router',
                  typedConfig: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

let xds: XdsServer | undefined;
let server: grpcXds.XdsServer | undefined;
let client: grpc.Client | undefined;
afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await xds?.shutdown(500);
});

it('starts an xDS-enabled gRPC server from its server listener (grpc/server?xds.resource.listening_address=IP:PORT)', async () => {
  grpcXds.register();
  const key = 'mesh/m/virtualNode/grpc-server';
  xds = new XdsServer({ resolveProxy: (n) => n.id });
  const xdsPort = await xds.listen('127.0.0.1:0');
  const port = await freePort();
  const name = `grpc/server?xds.resource.listening_address=127.0.0.1:${port}`;
  xds.setProxyConfig(key, { listeners: [serverListener(name, port)] });
  const bootstrap = xdsBootstrapFor(key, xdsPort, {
    server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
  });
  server = new grpcXds.XdsServer(xdsBootstrapOption(bootstrap) as never);
  server.addService(echoServiceDefinition(), {
    Who: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from('xds-server')),
  });
  await bindInsecure(server as unknown as grpc.Server, '127.0.0.1', port);
  await waitFor(() => xds!.converged(key), { timeoutMs: 20_000, what: 'server listener ACKed' });
  const st = xds.status().find((s) => s.proxyKey === key)!;
  expect(st.acked[LDS]).toBe(st.sent[LDS].version);
  client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const who = () => callEcho(client!, { deadlineMs: 3000 });
  await waitFor(async () => (await who()) === 'xds-server', { timeoutMs: 20_000, what: 'RPC served' });
  expect(await who()).toBe('xds-server');
});
