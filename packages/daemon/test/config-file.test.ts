import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '@plexus/security';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, layerOptions, loadDaemonConfig, optionsFromConfig } from '../src/index.ts';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-config-'));
  const f = join(dir, 'plexus.yaml');
  writeFileSync(f, text);
  writeFileSync(join(dir, 'ops.token'), 'secret-admin-token\n');
  return f;
}

function errorsOf(f: string): string[] {
  try {
    loadDaemonConfig(f);
  } catch (err) {
    if (err instanceof ConfigFileError) return err.errors;
    throw err;
  }
  return [];
}

describe('daemon config file', () => {
  it('reads the xds, identity and admin sections; paths are relative to the file; flags win', () => {
    const f = file(`xds:
  listen: 0.0.0.0:18443
  tls: { cert: tls/server.crt, key: tls/server.key, clientCa: tls/ca.crt }
identity:
  trustDomain: prod.example
  required: true
  kubernetes:
    bindings:
      - { serviceAccount: "colorapp/*", nodes: ["mesh/colorapp/virtualNode/{name}"] }
admin:
  tokens:
    - { name: ops, file: ops.token }
    - { name: ci, sha256: ${'a'.repeat(64)} }
`);
    const o = optionsFromConfig(loadDaemonConfig(f));
    const dir = f.slice(0, f.lastIndexOf('/'));
    expect(o).toMatchObject({
      xdsListen: '0.0.0.0:18443',
      xdsTls: {
        certFile: `${dir}/tls/server.crt`,
        keyFile: `${dir}/tls/server.key`,
        clientCaFile: `${dir}/tls/ca.crt`,
      },
      trustDomain: 'prod.example',
      identityRequired: true,
      adminTokens: [
        { name: 'ops', sha256: sha256Hex('secret-admin-token') },
        { name: 'ci', sha256: 'a'.repeat(64) },
      ],
    });
    expect(o.identity?.kubernetes?.audience).toBe('plexus');
    expect(layerOptions(o, { xdsListen: '127.0.0.1:0', trustDomain: undefined })).toMatchObject({
      xdsListen: '127.0.0.1:0',
      trustDomain: 'prod.example',
    });
  });

  it('names file:line:col and the field path of every error, and refuses the file whole', () => {
    const f = file(`xds:
  tls:
    cert: a.crt
identity:
  trustDomain: Not_A_Domain
  kubernetes:
    bindings:
      - serviceAccount: just-a-name
        nodes: [colorapp/front]
telemetry: {}
`);
    const errors = errorsOf(f);
    expect(errors).toEqual([
      `${f}:3:5: xds.tls.key: Invalid input: expected string, received undefined`,
      `${f}:5:16: identity.trustDomain: a trust domain is lower-case letters, digits, dots and dashes`,
      `${f}:8:25: identity.kubernetes.bindings[0].serviceAccount: expected namespace/name`,
      `${f}:9:17: identity.kubernetes.bindings[0].nodes[0]: expected mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name> (with * wildcards), got 'colorapp/front'`,
      `${f}:10:1: telemetry: unknown section (known: xds, identity, admin, api, sources, ownership, ca)`,
    ]);
  });

  it('reports YAML syntax errors and unknown keys with positions', () => {
    expect(errorsOf(file('xds:\n  listen: [oops\n'))[0]).toMatch(/plexus\.yaml:\d+:\d+: /);
    expect(errorsOf(file('xds:\n  lisen: 1.2.3.4:1\n'))).toEqual([
      expect.stringMatching(
        /plexus\.yaml:2:3: xds: Unrecognized key: "lisen"|plexus\.yaml:\d+:\d+: xds.*lisen/,
      ),
    ]);
  });
});
