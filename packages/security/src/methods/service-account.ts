import { createPublicKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { ServiceAccountKeys } from '../service-accounts/key-registry.ts';
import type { Authenticator, Caller, Principal } from '../types.ts';

/** The longest a self-signed call JWT may live (google-auth-library signs them for one hour). */
const MAX_JWT_LIFETIME_S = 3600 + 60;

/**
 * Proxyless gRPC clients on `google_default` channel credentials (the only TLS option @grpc/grpc-js-xds has):
 * each call carries a JWT the client signs with its service-account key (iss = sub = client_email, aud = the
 * call's `https://host/service` URL). The key must be registered for the node the stream names.
 */
export class ServiceAccountAuthenticator implements Authenticator {
  readonly method = 'service-account';
  private readonly keys: ServiceAccountKeys;
  constructor(keys: ServiceAccountKeys) {
    this.keys = keys;
  }

  async authenticate(caller: Caller): Promise<Principal | { refusal: string } | undefined> {
    const token = caller.bearer;
    if (!token) return undefined;
    let kid: string | undefined;
    let alg: string | undefined;
    let iss: string | undefined;
    let sub: string | undefined;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
      ({ iss, sub } = decodeJwt(token));
    } catch {
      return undefined;
    }
    // the shape of a service-account self-signed JWT; anything else is another method's credential
    if (alg !== 'RS256' || !kid || !iss || iss !== sub || !iss.endsWith('@plexus.invalid')) return undefined;
    const key = this.keys.find(kid);
    if (!key) return { refusal: `service-account key ${kid} is not registered with this daemon (revoked?)` };
    if (key.expiresAt <= Date.now()) {
      return { refusal: `service-account key ${kid} expired ${new Date(key.expiresAt).toISOString()}` };
    }
    try {
      const { payload } = await jwtVerify(token, createPublicKey(key.publicKeyPem), {
        algorithms: ['RS256'],
        issuer: key.email,
        subject: key.email,
        requiredClaims: ['exp', 'iat', 'aud'],
      });
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      if (!aud || !/^https:\/\/[^/]+\/envoy\.service\./.test(aud)) {
        return { refusal: `service-account JWT: audience '${aud ?? ''}' is not an xDS service URL` };
      }
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_JWT_LIFETIME_S) {
        return { refusal: 'service-account JWT: lives longer than one hour' };
      }
      return {
        method: this.method,
        subject: `service-account key ${kid} for ${key.node}`,
        nodes: [key.node],
        expiresAt: Math.min((payload.exp ?? 0) * 1000, key.expiresAt),
      };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { refusal: 'service-account JWT: expired' };
      return { refusal: `service-account JWT: ${(err as Error).message}` };
    }
  }
}
