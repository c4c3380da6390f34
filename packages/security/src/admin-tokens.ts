import { createHash, timingSafeEqual } from 'node:crypto';

export interface AdminTokenEntry {
  name: string;
  /** Hex SHA-256 of the token (what the config file holds, so the file never holds the secret itself). */
  sha256: string;
}

/** Operator credentials for CSDS and the HTTP API beyond loopback: `authorization: Bearer <token>`. */
export class AdminTokens {
  private readonly entries: { name: string; digest: Buffer }[];
  constructor(entries: AdminTokenEntry[]) {
    this.entries = entries.map((e) => ({ name: e.name, digest: Buffer.from(e.sha256, 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The name of the admin token, or a one-line reason it is not one. */
  check(bearer: string | undefined): { name: string } | { refusal: string } {
    if (this.entries.length === 0)
      return { refusal: 'no admin token is configured (admin.tokens in --config)' };
    if (!bearer) return { refusal: 'an admin token is required: send "authorization: Bearer <token>"' };
    const d = createHash('sha256').update(bearer).digest();
    for (const e of this.entries) if (timingSafeEqual(d, e.digest)) return { name: e.name };
    return { refusal: 'the bearer token is not an admin token' };
  }
}

export const sha256Hex = (token: string) => createHash('sha256').update(token.trim()).digest('hex');
