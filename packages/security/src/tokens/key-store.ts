import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** One signing key of node tokens. Retired keys still verify until every token they signed has expired. */
interface StoredKey {
  kid: string;
  alg: 'ES256';
  createdAt: number;
  /** Set when a newer key took over signing; the key is dropped at retiredAt + maxTtl. */
  retiredAt?: number;
  privateJwk: JWK;
  publicJwk: JWK;
}

interface KeyFile {
  /** The longest a node token may live: how long a retired key is kept. */
  maxTtlMs: number;
  keys: StoredKey[];
}

export const KEY_FILE_NAME = 'node-token-keys.json';
export const DEFAULT_MAX_TTL_MS = 30 * 86_400_000;

export type SigningKey = { kid: string; key: CryptoKey };

/**
 * The daemon's node-token keys, in `<state-dir>/node-token-keys.json` (mode 0600). `plexus token create` signs
 * with the newest; `plexus token rotate` adds a new one. The daemon re-reads the file when it changes, so a
 * rotation made by the CLI applies without a restart.
 */
export class NodeTokenKeys {
  readonly file: string;
  private loaded: { mtimeMs: number; data: KeyFile; checkedAt: number } | undefined;
  private readonly imported = new Map<string, CryptoKey>();

  constructor(stateDir: string) {
    this.file = join(stateDir, KEY_FILE_NAME);
  }

  /** Creates the file with a first key when there is none. */
  async ensure(maxTtlMs = DEFAULT_MAX_TTL_MS): Promise<void> {
    try {
      statSync(this.file);
    } catch {
      this.write({ maxTtlMs, keys: [await newKey()] });
    }
  }

  /** A new signing key; the previous one verifies for maxTtl more, older retired ones are dropped. */
  async rotate(): Promise<string> {
    await this.ensure();
    const data = this.read();
    const now = Date.now();
    for (const k of data.keys) k.retiredAt ??= now;
    const key = await newKey();
    data.keys = [...data.keys.filter((k) => (k.retiredAt ?? now) + data.maxTtlMs > now), key];
    this.write(data);
    return key.kid;
  }

  get maxTtlMs(): number {
    return this.read().maxTtlMs;
  }

  /** The newest key, for signing. */
  async signingKey(): Promise<SigningKey> {
    const data = this.read();
    const k = data.keys.at(-1);
    if (!k) throw new Error(`${this.file}: no signing key`);
    return { kid: k.kid, key: await this.import(k, 'private') };
  }

  /** The verification key with this id, unless it was dropped after its rotation period. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const data = this.read();
    const k = data.keys.find((x) => x.kid === kid);
    if (!k) return undefined;
    if (k.retiredAt !== undefined && k.retiredAt + data.maxTtlMs <= Date.now()) return undefined;
    return this.import(k, 'public');
  }

  private async import(k: StoredKey, which: 'private' | 'public'): Promise<CryptoKey> {
    const id = `${k.kid}:${which}`;
    let key = this.imported.get(id);
    if (!key) {
      key = (await importJWK(which === 'private' ? k.privateJwk : k.publicJwk, k.alg)) as CryptoKey;
      this.imported.set(id, key);
    }
    return key;
  }

  /** The file's content, re-read at most once a second and only when its mtime moved. */
  private read(): KeyFile {
    const now = Date.now();
    if (this.loaded && now - this.loaded.checkedAt < 1000) return this.loaded.data;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      throw new Error(
        `${this.file}: no node-token keys (the daemon creates them at start-up with --state-dir)`,
      );
    }
    if (this.loaded && this.loaded.mtimeMs === mtimeMs) {
      this.loaded.checkedAt = now;
      return this.loaded.data;
    }
    const data = JSON.parse(readFileSync(this.file, 'utf8')) as KeyFile;
    this.loaded = { mtimeMs, data, checkedAt: now };
    return data;
  }

  private write(data: KeyFile): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
    this.loaded = undefined;
  }
}

async function newKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    kid: randomUUID(),
    alg: 'ES256',
    createdAt: Date.now(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
}
