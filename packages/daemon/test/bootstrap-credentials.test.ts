import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('Envoy accepts each shape: mTLS, token file (Google gRPC, file-based metadata), embedded token, unix socket', () => {
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
    expect(JSON.stringify(envoyBootstrap(shapes[1]))).toContain('envoy.grpc_credentials.file_based_metadata');
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
