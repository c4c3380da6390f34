import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Client certificates are requested and verified against this bundle. */
  clientCaFile?: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  /** The leaf certificate, for logs: subject, SANs, expiry, fingerprint. */
  leaf: X509Certificate;
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Every PEM certificate block of a bundle. */
function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Reads and checks a certificate, its key and the client CA: each parses, and the key is the certificate's.
 * Throws one line naming the file, so a half-written rotation is refused rather than served.
 */
export function readTlsFiles(f: TlsFiles): TlsMaterial {
  const cert = read(f.certFile, 'certificate');
  const key = read(f.keyFile, 'private key');
  const blocks = pemBlocks(cert.toString('utf8'));
  if (blocks.length === 0) throw new Error(`certificate ${f.certFile}: no PEM certificate in it`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(blocks[0]);
  } catch (err) {
    throw new Error(`certificate ${f.certFile}: ${(err as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new Error(`private key ${f.keyFile}: ${(err as Error).message}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new Error(`private key ${f.keyFile} does not belong to certificate ${f.certFile}`);
  }
  let ca: Buffer | undefined;
  if (f.clientCaFile) {
    ca = read(f.clientCaFile, 'client CA');
    const caBlocks = pemBlocks(ca.toString('utf8'));
    if (caBlocks.length === 0) throw new Error(`client CA ${f.clientCaFile}: no PEM certificate in it`);
    for (const b of caBlocks) {
      try {
        new X509Certificate(b);
      } catch (err) {
        throw new Error(`client CA ${f.clientCaFile}: ${(err as Error).message}`);
      }
    }
  }
  return { cert, key, ca, leaf };
}
