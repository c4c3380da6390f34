import { describe, expect, it } from 'vitest';
import { type EnvoySecret, GeneratedCa, MeshCa, MeshCertificates } from '../src/index.ts';
import { leafOf, tempDir, verifiesAgainst } from './helpers.ts';

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function setup(leafLifetimeMs: number) {
  const backend = new GeneratedCa({ stateDir: tempDir(), trustDomain: 'plexus.local' });
  const ca = new MeshCa({ backend, trustDomain: 'plexus.local', leafLifetimeMs });
  const pushed = new Map<string, EnvoySecret[][]>();
  const certs = new MeshCertificates({
    ca,
    sink: (key, secrets) => pushed.set(key, [...(pushed.get(key) ?? []), secrets]),
    certificateSecretName: (key) => `spiffe://plexus.local/${key}`,
    bundleSecretName: 'spiffe://plexus.local',
    bundleLeadMs: 200,
  });
  return { backend, ca, pushed, certs };
}

const needs = { certificate: true, bundle: true, dnsNames: ['a.m.local'] };

describe('MeshCertificates', () => {
  it('hands each proxy its own certificate and the bundle, renews at half-life, forgets removed proxies', async () => {
    const { backend, pushed, certs } = setup(1000);
    await backend.start();
    await certs.sync(
      new Map([
        ['mesh/m/virtualNode/a', needs],
        ['mesh/m/virtualNode/b', { ...needs, dnsNames: [] }],
      ]),
    );
    const first = pushed.get('mesh/m/virtualNode/a')![0]!;
    expect(first.map((s) => s.name)).toEqual([
      'spiffe://plexus.local/mesh/m/virtualNode/a',
      'spiffe://plexus.local',
    ]);
    const b = pushed.get('mesh/m/virtualNode/b')![0]!;
    expect(b[0]!.tls_certificate!.private_key.inline_string).not.toBe(
      first[0]!.tls_certificate!.private_key.inline_string,
    );
    const serial1 = certs.current('mesh/m/virtualNode/a')!.serial;
    await until(() => (pushed.get('mesh/m/virtualNode/a')?.length ?? 0) >= 3);
    const serial3 = certs.current('mesh/m/virtualNode/a')!.serial;
    expect(serial3).not.toBe(serial1);
    await certs.sync(new Map([['mesh/m/virtualNode/b', { ...needs, dnsNames: [] }]]));
    expect(pushed.get('mesh/m/virtualNode/a')!.at(-1)).toEqual([]);
    expect(certs.size).toBe(1);
    certs.stop();
  });

  it('on a CA rotation sends the two-CA bundle first and new leaves only after the lead time', async () => {
    const { backend, pushed, certs } = setup(3600_000);
    await backend.start();
    await certs.sync(new Map([['mesh/m/virtualNode/a', needs]]));
    const oldLeaf = certs.current('mesh/m/virtualNode/a')!;
    await backend.rotate(3600_000);
    const afterRotate = pushed.get('mesh/m/virtualNode/a')!.at(-1)!;
    // Same leaf, bigger bundle.
    expect(afterRotate[0]!.tls_certificate!.certificate_chain.inline_string).toBe(oldLeaf.certificateChain);
    expect(
      afterRotate[1]!.validation_context!.trusted_ca.inline_string.match(/BEGIN CERTIFICATE/g),
    ).toHaveLength(2);
    await until(() => certs.current('mesh/m/virtualNode/a')!.serial !== oldLeaf.serial);
    const newLeaf = leafOf(certs.current('mesh/m/virtualNode/a')!.certificateChain);
    expect(verifiesAgainst(newLeaf, [backend.trustBundle()[0]!])).toBe(true);
    expect(verifiesAgainst(leafOf(oldLeaf.certificateChain), [backend.trustBundle()[0]!])).toBe(false);
    certs.stop();
  });
});
