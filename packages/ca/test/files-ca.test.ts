import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesCa, MeshCa } from '../src/index.ts';
import { leafOf, tempDir, verifiesAgainst } from './helpers.ts';

interface Pem {
  certPem: string;
  keyPem: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'ignore' });

/** A self-signed root, or an intermediate (CA:TRUE) signed by `parent`, made with the openssl CLI. */
function opensslCa(name: string, parent?: Pem): Pem {
  const dir = tempDir('plexus-ca-pki-');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sec1.key'], dir);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'sec1.key', '-out', 'ca.key'], dir);
  const ext = [
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ];
  if (!parent) {
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'ca.key',
        '-sha256',
        '-days',
        '30',
        '-subj',
        `/CN=${name}`,
        ...ext,
        '-out',
        'ca.crt',
      ],
      dir,
    );
  } else {
    writeFileSync(join(dir, 'parent.crt'), parent.certPem);
    writeFileSync(join(dir, 'parent.key'), parent.keyPem);
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
    openssl(['req', '-new', '-key', 'ca.key', '-subj', `/CN=${name}`, '-out', 'ca.csr'], dir);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'ca.csr',
        '-CA',
        'parent.crt',
        '-CAkey',
        'parent.key',
        '-CAcreateserial',
        '-days',
        '30',
        '-sha256',
        '-extfile',
        'ext.cnf',
        '-out',
        'ca.crt',
      ],
      dir,
    );
  }
  return {
    certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'ca.key'), 'utf8'),
  };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('FilesCa', () => {
  it('signs with an organisation intermediate, chains to its root, and reloads when the files change', async () => {
    const dir = tempDir();
    const root = opensslCa('Org Root');
    const inter = opensslCa('Org Mesh Intermediate', root);
    const chainFile = join(dir, 'chain.pem');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(chainFile, `${inter.certPem}${root.certPem}`);
    writeFileSync(keyFile, inter.keyPem);
    const backend = new FilesCa({ certificateChain: chainFile, privateKey: keyFile, pollMs: 50 });
    await backend.start();
    try {
      const ca = new MeshCa({ backend, trustDomain: 'plexus.local' });
      const cert = await ca.issue('mesh/m/virtualNode/a');
      expect(cert.certificateChain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      expect(backend.trustBundle()).toEqual([root.certPem.trim()]);
      const leaf = leafOf(cert.certificateChain);
      expect(verifiesAgainst(leaf, [inter.certPem])).toBe(true);
      expect(verifiesAgainst(leaf, [root.certPem])).toBe(false); // through the intermediate only

      const changes: string[] = [];
      backend.onChange((r) => changes.push(r));
      const next = opensslCa('Org Mesh Intermediate 2', root);
      writeFileSync(keyFile, next.keyPem);
      writeFileSync(chainFile, `${next.certPem}${root.certPem}`);
      await until(() => changes.length > 0);
      const after = await ca.issue('mesh/m/virtualNode/a');
      expect(verifiesAgainst(leafOf(after.certificateChain), [next.certPem])).toBe(true);
      expect(backend.trustBundle()).toEqual([root.certPem.trim()]);
    } finally {
      backend.close();
    }
  });

  it('refuses a key that is not the certificate’s, naming both files', async () => {
    const dir = tempDir();
    const a = opensslCa('A');
    const b = opensslCa('B');
    writeFileSync(join(dir, 'chain.pem'), a.certPem);
    writeFileSync(join(dir, 'key.pem'), b.keyPem);
    const backend = new FilesCa({
      certificateChain: join(dir, 'chain.pem'),
      privateKey: join(dir, 'key.pem'),
    });
    await expect(backend.start()).rejects.toThrow(
      /key\.pem is not the key of the first certificate in .*chain\.pem/,
    );
  });
});
