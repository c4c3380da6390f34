import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryBoundAuthenticator } from '@plexus/security';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../xds-e2e/helpers.ts';
import { type EnvoyUnderTest, startEnvoyWith } from './envoy.ts';
import { startTlsXds, type TlsXds } from './tls-fixture.ts';

// What the App Mesh image's agent writes, reproduced: APPMESH_RESOURCE_ARN as node id and cluster, and relay
// mode (APPNET_ENABLE_RELAY_MODE_FOR_XDS=1): a relay Envoy on a unix socket signs every request with
// envoy.filters.http.aws_request_signing and forwards over TLS; the sidecar dials unix:// in plaintext.
const ARN = 'arn:aws:appmesh:us-west-2:111122223333:mesh/colorapp/virtualNode/front';
const KEY = 'mesh/colorapp/virtualNode/front';
const T = 'type.googleapis.com/';

const h2 = {
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': `${T}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
    explicit_http_config: { http2_protocol_options: {} },
  },
};

function relayBootstrap(socket: string, xdsPort: number, caFile: string, adminPort: number) {
  return {
    node: { id: 'relay', cluster: 'relay' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    static_resources: {
      listeners: [
        {
          name: 'relay',
          address: { pipe: { path: socket } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
                    stat_prefix: 'relay',
                    codec_type: 'HTTP2',
                    stream_idle_timeout: '0s',
                    route_config: {
                      virtual_hosts: [
                        {
                          name: 'plexus',
                          domains: ['*'],
                          routes: [{ match: { prefix: '/' }, route: { cluster: 'plexus', timeout: '0s' } }],
                        },
                      ],
                    },
                    http_filters: [
                      {
                        name: 'envoy.filters.http.aws_request_signing',
                        typed_config: {
                          '@type': `${T}envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning`,
                          service_name: 'appmesh',
                          region: 'us-west-2',
                          use_unsigned_payload: true,
                          // only these credentials: the default chain would also probe the EC2 metadata
                          // service, an address outside this machine
                          credential_provider: {
                            custom_credential_provider_chain: true,
                            inline_credential: {
                              access_key_id: 'AKIAIOSFODNN7EXAMPLE',
                              secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
                            },
                          },
                        },
                      },
                      {
                        name: 'envoy.filters.http.router',
                        typed_config: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'plexus',
          type: 'STATIC',
          connect_timeout: '2s',
          typed_extension_protocol_options: h2,
          load_assignment: {
            cluster_name: 'plexus',
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: xdsPort } } },
                  },
                ],
              },
            ],
          },
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
              sni: 'localhost',
              common_tls_context: {
                alpn_protocols: ['h2'],
                tls_params: { ecdh_curves: ['P-256'] },
                validation_context: { trusted_ca: { filename: caFile } },
              },
            },
          },
        },
      ],
    },
  };
}

function sidecarBootstrap(socket: string, adminPort: number) {
  return {
    node: { id: ARN, cluster: ARN },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds_cluster' } }],
      },
      lds_config: { ads: {}, resource_api_version: 'V3' },
      cds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds_cluster',
          type: 'STATIC',
          connect_timeout: '2s',
          typed_extension_protocol_options: h2,
          load_assignment: {
            cluster_name: 'xds_cluster',
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: socket } } } }] }],
          },
        },
      ],
    },
  };
}

describe('the App Mesh sidecar in relay mode, identified by discovery', () => {
  let t: TlsXds;
  const addresses = new Map<string, string[]>([[KEY, ['127.0.0.1']]]);
  const sigv4: { accessKeyId: string; amzDate?: string }[] = [];
  let relay: EnvoyUnderTest;
  let sidecar: EnvoyUnderTest;

  beforeAll(async () => {
    t = await startTlsXds([
      new DiscoveryBoundAuthenticator({
        meshes: ['colorapp'],
        addressesOf: (mesh, node) => addresses.get(`mesh/${mesh}/virtualNode/${node}`) ?? [],
        onSigV4: (e) => sigv4.push(e),
      }),
    ]);
    t.serve(KEY);
    const socket = join(mkdtempSync(join(tmpdir(), 'plexus-relay-')), 'relay.sock');
    relay = await startEnvoyWith(relayBootstrap(socket, t.port, t.ca.certFile, 0), 0, {
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    await waitFor(async () => (await relay.stat('listener_manager.total_listeners_active')) === 1, {
      what: 'relay listening',
    });
    sidecar = await startEnvoyWith(sidecarBootstrap(socket, 0), 0);
  });

  afterAll(async () => {
    await sidecar?.proc.stop();
    await relay?.proc.stop();
    await t?.close();
  });

  it('reaches Plexus through the signing relay with the discovery-bound identity and carries HTTP', async () => {
    await waitFor(async () => (await get(t.listenPort)).status === 200, {
      timeoutMs: 30_000,
      what: 'traffic',
    });
    const st = t.xds.status().find((s) => s.node.id === ARN);
    expect(st?.identity).toMatchObject({ method: 'discovery', subject: 'peer 127.0.0.1', proxyKey: KEY });
    expect(relay.log()).not.toMatch(/instance_profile|metadata fetch|IMDS/);
    expect(sigv4[0]).toMatchObject({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      amzDate: expect.stringMatching(/^\d{8}T\d{6}Z$/),
    });
  });

  it('a stream whose address stops being an endpoint of its node is ended; an unknown address is refused', async () => {
    addresses.set(KEY, ['10.0.0.9']);
    const ended = t.xds.recheck((identity, ctx) =>
      identity.method === 'discovery' &&
      !(addresses.get(identity.proxyKey) ?? []).includes(ctx.peerAddress ?? '')
        ? `discovery: peer ${ctx.peerAddress} is no longer an endpoint of ${identity.proxyKey}`
        : undefined,
    );
    expect(ended).toBe(1);
    await waitFor(() => t.rejects.some((r) => r.code === 16 && /not an endpoint/.test(r.reason)), {
      timeoutMs: 30_000,
      what: 'the reconnect refused',
    });
    expect(t.rejects.find((r) => r.code === 7)?.reason).toMatch(/no longer an endpoint/);
    addresses.set(KEY, ['127.0.0.1']);
    await waitFor(async () => (await sidecar.stat('control_plane.connected_state')) === 1, {
      timeoutMs: 45_000,
      what: 'back once discovery lists the address again',
    });
  });
});
