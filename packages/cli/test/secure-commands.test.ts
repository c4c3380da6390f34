import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { runMain } from './capture.ts';

describe('plexus run security flags, token, bootstrap credentials', () => {
  it('run: a plaintext listener beyond loopback is refused without --xds-insecure; config errors name file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-cli-sec-'));
    const plain = await runMain([
      'run',
      '--repo',
      dir,
      '--xds-listen',
      '0.0.0.0:0',
      '--http-listen',
      '127.0.0.1:0',
    ]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/without TLS would let anyone.*--xds-insecure/);
    expect((await runMain(['run', '--repo', dir, '--xds-tls-cert', 'c.pem'])).code).toBe(2);
    const cfg = join(dir, 'plexus.yaml');
    writeFileSync(cfg, 'xds:\n  insecure: yes please\n');
    const bad = await runMain(['run', '--repo', dir, '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${cfg}:2:13: xds.insecure: Invalid input: expected boolean, received string`);
  });

  it('token create prints a JWT for the node; rotate makes a new key', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'plexus-cli-tok-'));
    const r = await runMain([
      'token',
      'create',
      '--node',
      'arn:aws:appmesh:us-west-2:1:mesh/m/virtualNode/a',
      '--ttl',
      '2h',
      '--state-dir',
      stateDir,
    ]);
    expect(r.code).toBe(0);
    const claims = decodeJwt(r.stdout.trim());
    expect(claims.sub).toBe('mesh/m/virtualNode/a');
    expect((claims.exp! - claims.iat!) / 3600).toBeCloseTo(2, 1);
    expect((await runMain(['token', 'rotate', '--state-dir', stateDir])).code).toBe(0);
    expect((await runMain(['token', 'create', '--node', 'x', '--state-dir', stateDir])).stderr).toMatch(
      /--node: expected mesh/,
    );
    expect((await runMain(['token', 'create', '--node', 'mesh/m/virtualNode/a'])).code).toBe(2);
  });

  it('bootstrap: --xds-ca with a token file gives Google gRPC with file-based call credentials', async () => {
    const r = await runMain([
      'bootstrap',
      '--node',
      'mesh/m/virtualNode/a',
      '--xds-address',
      'plexus:18000',
      '--xds-ca',
      '/ca.pem',
      '--token-file',
      '/run/token',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('envoy.grpc_credentials.file_based_metadata');
    expect(r.stdout).toContain('filename: /run/token');
    const noTls = await runMain([
      'bootstrap',
      '--node',
      'mesh/m/virtualNode/a',
      '--xds-address',
      'plexus:18000',
      '--token-file',
      '/t',
    ]);
    expect(noTls.code).toBe(2);
    expect(noTls.stderr).toMatch(/only over TLS/);
  });
});
