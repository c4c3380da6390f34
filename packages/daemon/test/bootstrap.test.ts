import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envoyBinary } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { envoyBootstrap, grpcBootstrap, sameHostConfig } from '../src/index.ts';

describe('bootstraps', () => {
  it('Envoy bootstrap: App Mesh style (admin 9901, ADS over gRPC, LDS/CDS via ADS) and real Envoy accepts it', () => {
    const b = envoyBootstrap({
      node: 'mesh/colorapp/virtualNode/front',
      xdsAddress: 'plexus.internal:18000',
    });
    expect(b).toMatchObject({
      node: { id: 'mesh/colorapp/virtualNode/front', cluster: 'front' },
      admin: { address: { socket_address: { address: '0.0.0.0', port_value: 9901 } } },
      dynamic_resources: {
        ads_config: { api_type: 'GRPC', transport_api_version: 'V3' },
        lds_config: { ads: {}, resource_api_version: 'V3' },
        cds_config: { ads: {}, resource_api_version: 'V3' },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'plexus-bootstrap-'));
    try {
      const file = join(dir, 'envoy.yaml');
      writeFileSync(
        file,
        stringify(
          envoyBootstrap({
            node: 'mesh/m/virtualGateway/gw',
            xdsAddress: '127.0.0.1:18000',
            adminPort: 19901,
            locality: { zone: 'us-east-1a', region: 'us-east-1' },
          }),
          {
            aliasDuplicateObjects: false,
          },
        ),
      );
      const r = spawnSync(envoyBinary(), ['--mode', 'validate', '-c', file], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toContain('OK');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gRPC xDS bootstrap: insecure channel, xds_v3, node with locality', () => {
    expect(grpcBootstrap({ node: 'mesh/m/virtualNode/client', xdsAddress: '127.0.0.1:18000' })).toEqual({
      xds_servers: [
        { server_uri: '127.0.0.1:18000', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
      ],
      node: { id: 'mesh/m/virtualNode/client', cluster: 'client', locality: {} },
    });
    expect(() => grpcBootstrap({ node: 'n', xdsAddress: 'no-port' })).toThrow(/HOST:PORT/);
  });

  it('a zone and region become node.locality in both bootstraps', () => {
    const locality = { zone: 'us-east-1a', region: 'us-east-1' };
    const o = { node: 'mesh/m/virtualNode/a', xdsAddress: '127.0.0.1:18000', locality };
    expect(envoyBootstrap(o).node).toEqual({ id: o.node, cluster: 'a', locality });
    expect(grpcBootstrap(o).node).toEqual({ id: o.node, cluster: 'a', locality });
    expect(envoyBootstrap({ ...o, locality: undefined }).node).toEqual({ id: o.node, cluster: 'a' });
  });
});

describe('sameHostConfig', () => {
  it('drops destination_port matches and keeps everything else', () => {
    const config = {
      listeners: [
        {
          name: 'lds_egress',
          filter_chains: [
            { name: 'http', filter_chain_match: { destination_port: 9080 }, filters: [] },
            {
              name: 'aws',
              filter_chain_match: { server_names: ['*.amazonaws.com'], transport_protocol: 'tls' },
            },
          ],
        },
        { name: 'api', api_listener: {} },
      ],
      routes: [{ name: 'r' }],
      clusters: [],
      endpoints: [],
      secrets: [],
    };
    const out = sameHostConfig('k', config);
    expect(out.listeners).toEqual([
      {
        name: 'lds_egress',
        filter_chains: [
          { name: 'http', filter_chain_match: {}, filters: [] },
          {
            name: 'aws',
            filter_chain_match: { server_names: ['*.amazonaws.com'], transport_protocol: 'tls' },
          },
        ],
      },
      { name: 'api', api_listener: {} },
    ]);
    expect(out.routes).toBe(config.routes);
  });
});
