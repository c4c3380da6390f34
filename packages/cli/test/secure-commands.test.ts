import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('token create --google-credentials writes a service-account key file; bootstrap --grpc --google-default uses it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'plexus-cli-sa-'));
    const out = join(stateDir, 'grpc-app.json');
    const node = 'mesh/m/virtualNode/grpc-app';
    const r = await runMain([
      'token',
      'create',
      '--node',
      node,
      '--state-dir',
      stateDir,
      '--google-credentials',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const key = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    expect(key.type).toBe('service_account');
    expect(key.private_key).toContain('BEGIN PRIVATE KEY');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const registry = readFileSync(join(stateDir, 'service-account-keys.json'), 'utf8');
    expect(registry).toContain(key.private_key_id);
    expect(registry).not.toContain('PRIVATE KEY');
    const wild = await runMain([
      'token',
      'create',
      '--node',
      'mesh/m/virtualNode/*',
      '--state-dir',
      stateDir,
      '--google-credentials',
      out,
    ]);
    expect(wild.stderr).toMatch(/no wildcards/);
    const b = await runMain([
      'bootstrap',
      '--grpc',
      '--google-default',
      '--node',
      node,
      '--xds-address',
      'plexus:18000',
    ]);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).xds_servers[0].channel_creds).toEqual([{ type: 'google_default' }]);
    const mixed = await runMain([
      'bootstrap',
      '--grpc',
      '--google-default',
      '--xds-ca',
      'ca.pem',
      '--node',
      node,
      '--xds-address',
      'p:1',
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/drop --xds-ca/);
  });

  it('bootstrap: --xds-ca with a token file reads the file in a Lua filter on xds_cluster', async () => {
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
    expect(r.stdout).toContain('envoy.filters.http.lua');
    expect(r.stdout).toContain('local TOKEN_FILE = "/run/token"');
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
