import type { IncomingMessage } from 'node:http';
import { type AdminTokens, bearerOf } from '@plexus/security';
import { isLoopbackAddress } from './listen-address.ts';

/** Routes anyone may call on any address: probes, and requests that carry their own proof. */
const OPEN = new Set(['GET /healthz', 'GET /readyz', 'POST /webhook']);
const SELF_AUTHENTICATED = ['POST /api/v1/login/'];
/** The App Mesh API checks SigV4 itself (@plexus/api), whatever the method. */
const SIGV4_PREFIX = '/v20190125/';

/**
 * On a loopback HTTP listener everything is open (as before); on any other address every route but the
 * probes, the signed webhook and the login endpoints needs an admin token.
 */
export function httpGuard(listen: string, admin: AdminTokens) {
  if (isLoopbackAddress(listen)) return undefined;
  return (route: string, req: IncomingMessage): string | undefined => {
    if (OPEN.has(route) || SELF_AUTHENTICATED.some((p) => route.startsWith(p))) return undefined;
    if (route.slice(route.indexOf(' ') + 1).startsWith(SIGV4_PREFIX)) return undefined;
    const r = admin.check(bearerOf({ authorization: req.headers.authorization ?? '' }));
    return 'refusal' in r ? `${route}: ${r.refusal}` : undefined;
  };
}
