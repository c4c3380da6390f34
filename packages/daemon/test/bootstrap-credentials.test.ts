import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, envoyBinary, issueCert } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { type BootstrapOptions, envoyBootstrap, grpcBootstrap } from '../src/index.ts';

const NODE = 'mesh/m/virtualNode/a';

function validate(o: BootstrapOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-boot-'));
  const file = join(dir, 'envoy.json');
  writeFileSync(file, JSON.stringify(envoyBootstrap({ ...o, adminPort: 19999, adminAddress: '127.0.0.1' })));
  const r = spawnSync(envoyBinary(), ['--mode', 'validate', '-c', file], { encoding: 'utf8' });
  return `${r.status} ${r.stdout}${r.stderr}`;
}

describe('bootstraps with credentials', () => {
  const ca = createTestCa();
  const cert = issueCert(ca, { cn: 'a', uris: [`spiffe://plexus.local/${NODE}`], usage: 'client' });
  const tokenFile = join(ca.dir, 'token');
  writeFileSync(tokenFile, 'x.y.z');

  it('Envoy accepts each shape: mTLS, token file, embedded token, unix socket; ADS always uses Envoy gRPC to xds_cluster', () => {
    const shapes: BootstrapOptions[] = [
      {
        node: NODE,
        xdsAddress: 'plexus.internal:18000',
        xdsCaFile: ca.certFile,
        clientCertFile: cert.certFile,
        clientKeyFile: cert.keyFile,
      },
      { node: NODE, xdsAddress: '10.0.0.5:18000', xdsCaFile: ca.certFile, tokenFile, delta: true },
      { node: NODE, xdsAddress: '127.0.0.1:18000', xdsCaFile: ca.certFile, token: 'x.y.z' },
      { node: NODE, xdsAddress: 'unix:///run/plexus/xds.sock' },
    ];
    for (const o of shapes) expect(validate(o)).toMatch(/^0 .*OK/s);
    const b = JSON.stringify(envoyBootstrap(shapes[0]));
    expect(b).toContain('"sni":"plexus.internal"');
    expect(b).toContain('"san_type":"DNS"');
    for (const o of shapes)
      expect(
        JSON.parse(JSON.stringify(envoyBootstrap(o))).dynamic_resources.ads_config.grpc_services,
      ).toEqual([{ envoy_grpc: { cluster_name: 'xds_cluster' } }]);
  });

  it('a token rides on xds_cluster too (access logs use it, not the ADS client): Lua reads the file, the injector sends an embedded one', () => {
    const filters = (b: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(b)).static_resources.clusters[0].typed_extension_protocol_options[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ].http_filters?.map((f: { name: string }) => f.name);
    const odd = join(ca.dir, 'a "quoted" \\ dir');
    mkdirSync(odd, { recursive: true });
    const oddFile = join(odd, 'token');
    writeFileSync(oddFile, 'x.y.z');
    const file = envoyBootstrap({
      node: NODE,
      xdsAddress: '127.0.0.1:18000',
      xdsCaFile: ca.certFile,
      tokenFile: oddFile,
    });
    expect(filters(file)).toEqual(['envoy.filters.http.lua', 'envoy.filters.http.upstream_codec']);
    expect(
      validate({ node: NODE, xdsAddress: '127.0.0.1:18000', xdsCaFile: ca.certFile, tokenFile: oddFile }),
    ).toMatch(/^0 .*OK/s);
    const embedded = envoyBootstrap({
      node: NODE,
      xdsAddress: '127.0.0.1:18000',
      xdsCaFile: ca.certFile,
      token: 'x.y.z',
    });
    expect(filters(embedded)).toEqual([
      'envoy.filters.http.credential_injector',
      'envoy.filters.http.upstream_codec',
    ]);
    // the token is in the secret alone (Envoy redacts secrets in /config_dump), not in the ADS grpc_service
    expect(JSON.stringify(embedded).split('x.y.z')).toHaveLength(2);
    expect(JSON.stringify(embedded.static_resources)).toContain('"inline_string":"x.y.z"');
    const cert = envoyBootstrap({
      node: NODE,
      xdsAddress: '127.0.0.1:18000',
      xdsCaFile: ca.certFile,
      clientCertFile: '/c',
      clientKeyFile: '/k',
    });
    expect(filters(cert)).toBeUndefined();
    expect(() =>
      envoyBootstrap({ node: NODE, xdsAddress: '127.0.0.1:1', xdsCaFile: ca.certFile, tokenFile: '/a\nb' }),
    ).toThrow(/control character/);
  });

  it('refuses credentials without TLS, and half a certificate pair', () => {
    expect(() => envoyBootstrap({ node: NODE, xdsAddress: '127.0.0.1:1', tokenFile })).toThrow(
      /only over TLS/,
    );
    expect(() =>
      envoyBootstrap({
        node: NODE,
        xdsAddress: '127.0.0.1:1',
        xdsCaFile: ca.certFile,
        clientCertFile: cert.certFile,
      }),
    ).toThrow(/both the certificate and the key/);
  });

  it('gRPC bootstrap: gRFC A65 tls channel credentials and A97 jwt_token_file call credentials', () => {
    expect(
      grpcBootstrap({ node: NODE, xdsAddress: 'plexus:18000', xdsCaFile: '/ca.pem', tokenFile: '/token' })
        .xds_servers,
    ).toEqual([
      {
        server_uri: 'plexus:18000',
        channel_creds: [{ type: 'tls', config: { ca_certificate_file: '/ca.pem' } }],
        call_creds: [{ type: 'jwt_token_file', config: { jwt_token_file: '/token' } }],
        server_features: ['xds_v3'],
      },
    ]);
  });
});
