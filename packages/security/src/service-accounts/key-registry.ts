import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { patternError } from '../node-pattern.ts';

/** One registered key: its public half and the proxy it proves. The private half is only in the key file. */
export interface RegisteredKey {
  kid: string;
  node: string;
  /** The key file's `client_email`: the issuer and subject of every JWT the key signs. */
  email: string;
  publicKeyPem: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * A Google service-account key file (the `GOOGLE_APPLICATION_CREDENTIALS` format): what @grpc/grpc-js-xds's
 * `google_default` channel credentials sign their per-call JWTs with.
 */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export const SERVICE_ACCOUNT_FILE_NAME = 'service-account-keys.json';

/**
 * Keys of proxyless gRPC clients, in `<state-dir>/service-account-keys.json` (mode 0600, public keys only).
 * `plexus token create --google-credentials FILE` adds one; the daemon re-reads the file when it changes, and
 * removing an entry revokes its key at the next stream.
 */
export class ServiceAccountKeys {
  readonly file: string;
  private loaded: { mtimeMs: number; keys: RegisteredKey[] } | undefined;

  constructor(stateDir: string) {
    this.file = join(stateDir, SERVICE_ACCOUNT_FILE_NAME);
  }

  /** A new RSA key for `node`, valid for `ttlMs`: registers the public half, returns the key file. */
  create(node: string, ttlMs: number): { keyFile: ServiceAccountKeyFile; key: RegisteredKey } {
    const err = patternError(node);
    if (err) throw new Error(`--node: ${err}`);
    if (node.includes('*')) throw new Error('--node: a service-account key proves one proxy; no wildcards');
    if (!(ttlMs > 0)) throw new Error('--ttl must be positive');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const email = `${node.replaceAll('/', '.')}@plexus.invalid`;
    const now = Date.now();
    const key: RegisteredKey = {
      kid,
      node,
      email,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      createdAt: now,
      expiresAt: now + ttlMs,
    };
    this.write([...this.all().filter((k) => k.expiresAt > now), key]);
    return {
      key,
      keyFile: {
        type: 'service_account',
        project_id: 'plexus',
        private_key_id: kid,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: email,
        client_id: kid,
        // never called: without OAuth scopes the client signs its own JWT per call (JWT access)
        token_uri: 'https://plexus.invalid/token',
      },
    };
  }

  /** The registered key with this id, if any (expired ones included: the caller says why it fails). */
  find(kid: string): RegisteredKey | undefined {
    return this.all().find((k) => k.kid === kid);
  }

  all(): RegisteredKey[] {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      return [];
    }
    if (this.loaded?.mtimeMs !== mtimeMs) {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { keys?: RegisteredKey[] };
      this.loaded = { mtimeMs, keys: data.keys ?? [] };
    }
    return this.loaded.keys;
  }

  private write(keys: RegisteredKey[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
    this.loaded = undefined;
  }
}
