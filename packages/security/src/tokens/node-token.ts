import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { patternError } from '../node-pattern.ts';
import type { NodeTokenKeys } from './key-store.ts';

export const NODE_TOKEN_ISSUER = 'plexus';
export const NODE_TOKEN_AUDIENCE = 'plexus-xds';
export const DEFAULT_TOKEN_TTL_MS = 24 * 3_600_000;

export interface IssueOptions {
  /** The canonical proxy key (or a pattern, for a token several proxies share). */
  node: string;
  ttlMs?: number;
}

/** A node token: a JWT (ES256) whose subject is the proxy key, signed by the daemon's newest key. */
export async function issueNodeToken(
  keys: NodeTokenKeys,
  o: IssueOptions,
): Promise<{ token: string; expiresAt: number }> {
  const err = patternError(o.node);
  if (err) throw new Error(`--node: ${err}`);
  const ttl = o.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (ttl <= 0) throw new Error('--ttl must be positive');
  if (ttl > keys.maxTtlMs) {
    throw new Error(
      `--ttl is longer than the key file allows (${Math.round(keys.maxTtlMs / 86_400_000)} days)`,
    );
  }
  const { kid, key } = await keys.signingKey();
  const now = Date.now();
  const expiresAt = Math.floor((now + ttl) / 1000) * 1000;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuer(NODE_TOKEN_ISSUER)
    .setAudience(NODE_TOKEN_AUDIENCE)
    .setSubject(o.node)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(expiresAt / 1000)
    .setJti(randomUUID())
    .sign(key);
  return { token, expiresAt };
}

/** True when the string looks like a node token (a JWT this daemon's issuer signed), without verifying it. */
export function looksLikeNodeToken(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: string;
    };
    return payload.iss === NODE_TOKEN_ISSUER && decodeProtectedHeader(token).kid !== undefined;
  } catch {
    return false;
  }
}

export type VerifiedNodeToken = { node: string; expiresAt: number; jti?: string };

/** Verifies signature, issuer, audience and expiry; a refusal says which failed, in one line. */
export async function verifyNodeToken(
  keys: NodeTokenKeys,
  token: string,
): Promise<VerifiedNodeToken | { refusal: string }> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { refusal: 'node token: not a JWT' };
  }
  if (!kid) return { refusal: 'node token: no key id' };
  const key = await keys.verificationKey(kid);
  if (!key)
    return { refusal: `node token: signed by key ${kid}, which this daemon does not have (rotated out?)` };
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: NODE_TOKEN_ISSUER,
      audience: NODE_TOKEN_AUDIENCE,
      algorithms: ['ES256'],
      requiredClaims: ['sub', 'exp'],
    });
    return { node: payload.sub!, expiresAt: payload.exp! * 1000, jti: payload.jti };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { refusal: 'node token expired' };
    if (err instanceof errors.JWSSignatureVerificationFailed) return { refusal: 'node token: bad signature' };
    return { refusal: `node token: ${(err as Error).message}` };
  }
}
