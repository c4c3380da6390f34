import { createPrivateKey, webcrypto } from 'node:crypto';
import { x509 } from './x509.ts';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

export const subtle = webcrypto.subtle;

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A fresh ECDSA P-256 key pair, held in memory only; the private key is exportable once, as PEM. */
export function generateP256(): Promise<CryptoKeyPair> {
  return subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** The certificates of a PEM bundle, in order. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Signing algorithm and key-import parameters for a CA key of either type. */
export interface SigningKey {
  key: CryptoKey;
  algorithm: Algorithm & { hash?: string };
}

/** Imports a CA private key (PKCS#8, SEC1 EC or PKCS#1 RSA PEM) for signing. */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const k = createPrivateKey(pem);
  const der = k.export({ format: 'der', type: 'pkcs8' });
  if (k.asymmetricKeyType === 'ec') {
    const curve = k.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!namedCurve) throw new Error(`EC curve ${curve} is not supported: use P-256 or P-384`);
    const hash = namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384';
    const key = await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash } as Algorithm };
  }
  if (k.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
    return { key, algorithm: algorithm as Algorithm };
  }
  throw new Error(`a ${k.asymmetricKeyType} key cannot sign certificates here: use EC P-256/P-384 or RSA`);
}
