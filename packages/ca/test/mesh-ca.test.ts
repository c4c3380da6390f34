import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GeneratedCa, MeshCa } from '../src/index.ts';
import { leafOf, tempDir, verifiesAgainst } from './helpers.ts';

describe('MeshCa', () => {
  it('issues a P-256 leaf with the SPIFFE URI SAN, DNS SANs, 24 h lifetime and half-life renewal', async () => {
    const backend = new GeneratedCa({ stateDir: tempDir(), trustDomain: 'corp.example' });
    await backend.start();
    const ca = new MeshCa({ backend, trustDomain: 'corp.example' });
    const t0 = Date.now();
    const cert = await ca.issue('mesh/colorapp/virtualNode/red', ['red.colorapp.local', 'colorteller.local']);
    const leaf = leafOf(cert.certificateChain);
    expect(leaf.subjectAltName).toBe(
      'URI:spiffe://corp.example/mesh/colorapp/virtualNode/red, DNS:red.colorapp.local, DNS:colorteller.local',
    );
    expect(leaf.ca).toBe(false);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(createPrivateKey(cert.privateKey).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.checkPrivateKey(createPrivateKey(cert.privateKey))).toBe(true);
    const lifetime = new Date(leaf.validTo).getTime() - t0;
    expect(lifetime).toBeGreaterThan(24 * 3600_000 - 5000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    expect(cert.renewAt - t0).toBeGreaterThan(12 * 3600_000 - 5000);
    expect(cert.renewAt - t0).toBeLessThan(12 * 3600_000 + 5000);
    expect(leaf.serialNumber.toLowerCase()).toBe(cert.serial.toLowerCase());
    expect(verifiesAgainst(leaf, backend.trustBundle())).toBe(true);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']); // server and client auth
  });

  it('gives every issue a new key and serial', async () => {
    const backend = new GeneratedCa({ stateDir: tempDir(), trustDomain: 'plexus.local' });
    await backend.start();
    const ca = new MeshCa({ backend, trustDomain: 'plexus.local', leafLifetimeMs: 60_000 });
    const a = await ca.issue('mesh/m/virtualGateway/gw');
    const b = await ca.issue('mesh/m/virtualGateway/gw');
    expect(a.serial).not.toBe(b.serial);
    expect(a.privateKey).not.toBe(b.privateKey);
    expect(leafOf(a.certificateChain).subjectAltName).toBe(
      'URI:spiffe://plexus.local/mesh/m/virtualGateway/gw',
    );
  });
});
