import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { freePort, waitFor } from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { afterAll, expect, it } from 'vitest';

const T = 'type.googleapis.com/';
const LDS = `${T}envoy.config.listener.v3.Listener`;
const METHOD = '/plexus.test.Echo/Who';
const raw = (b: Buffer) => b;
const echoService = {
  Who: {
    path: METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

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
  const bootstrap = {
    xds_servers: [
      {
        server_uri: `127.0.0.1:${xdsPort}`,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: { id: key, cluster: '', locality: {} },
    server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
  };
  server = new grpcXds.XdsServer({
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
  } as never);
  server.addService(echoService, {
    Who: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from('xds-server')),
  });
  await new Promise<void>((res, rej) =>
    server!.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) =>
      e ? rej(e) : res(),
    ),
  );
  await waitFor(() => xds!.converged(key), { timeoutMs: 20_000, what: 'server listener ACKed' });
  const st = xds.status().find((s) => s.proxyKey === key)!;
  expect(st.acked[LDS]).toBe(st.sent[LDS].version);
  client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const who = () =>
    new Promise<string>((resolve, reject) =>
      client!.makeUnaryRequest(METHOD, raw, raw, Buffer.alloc(0), { deadline: Date.now() + 3000 }, (e, r) =>
        e ? reject(e) : resolve(r!.toString()),
      ),
    );
  await waitFor(async () => (await who()) === 'xds-server', { timeoutMs: 20_000, what: 'RPC served' });
  expect(await who()).toBe('xds-server');
});
