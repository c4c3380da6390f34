import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GeneratedCa, MeshCa } from '../src/index.ts';
import { leafOf, tempDir, verifiesAgainst } from './helpers.ts';

describe('GeneratedCa', () => {
  it('creates the CA in the state dir with the key at mode 0600 and reuses it after a restart', async () => {
    const stateDir = tempDir();
    const first = new GeneratedCa({ stateDir, trustDomain: 'plexus.local' });
    await first.start();
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
    const serial = first.serial();
    const again = new GeneratedCa({ stateDir, trustDomain: 'plexus.local' });
    await again.start();
    expect(again.serial()).toBe(serial);
    // A leaf signed after the restart verifies against the bundle handed out before it.
    const cert = await new MeshCa({ backend: again, trustDomain: 'plexus.local' }).issue(
      'mesh/m/virtualNode/a',
    );
    expect(verifiesAgainst(leafOf(cert.certificateChain), first.trustBundle())).toBe(true);
  });

  it('keeps the old CA in the bundle after a rotation until its leaves have expired', async () => {
    const stateDir = tempDir();
    const backend = new GeneratedCa({ stateDir, trustDomain: 'plexus.local' });
    await backend.start();
    const ca = new MeshCa({ backend, trustDomain: 'plexus.local' });
    const before = await ca.issue('mesh/m/virtualNode/a');
    const changes: string[] = [];
    backend.onChange((r) => changes.push(r));
    await backend.rotate(200);
    expect(changes).toEqual(['CA rotated']);
    const after = await ca.issue('mesh/m/virtualNode/a');
    const bundle = backend.trustBundle();
    expect(bundle).toHaveLength(2);
    expect(verifiesAgainst(leafOf(before.certificateChain), bundle)).toBe(true);
    expect(verifiesAgainst(leafOf(after.certificateChain), bundle)).toBe(true);
    // The previous CA survives a restart too, then retires.
    const restarted = new GeneratedCa({ stateDir, trustDomain: 'plexus.local' });
    await restarted.start();
    expect(restarted.trustBundle()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 250));
    expect(restarted.trustBundle()).toHaveLength(1);
    expect(verifiesAgainst(leafOf(before.certificateChain), restarted.trustBundle())).toBe(false);
  });
});
