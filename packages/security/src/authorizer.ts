import type { Authorize, AuthorizeResult, StreamAuthContext } from '@plexus/xds';
import { matchesNode } from './node-pattern.ts';
import { spiffeIdOf } from './spiffe.ts';
import type { Authenticator, Caller, Principal } from './types.ts';

export interface AuthorizerOptions {
  /** Asked in order; the first that recognises a credential decides. */
  authenticators: Authenticator[];
  trustDomain: string;
  /**
   * A stream without any credential is refused (UNAUTHENTICATED). Off only on a plaintext loopback listener
   * with no method configured (the demo): then such a stream is served as identity method `none`.
   */
  required: boolean;
  /** Called for every refusal, after it is decided (metrics, audit). */
  onRefused?: (e: { code: string; message: string; caller: Caller }) => void;
}

/** `authorization: Bearer <token>` (case-insensitive scheme), or undefined. */
export function bearerOf(metadata: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(metadata.authorization ?? '');
  return m?.[1];
}

function describe(p: Principal): string {
  return `${p.method} ${p.subject}`;
}

/**
 * The xDS server's authorize hook: authenticate the caller with the configured methods, then require that the
 * proved identity may be the node its `node.id` names (DESIGN.md "Proxy identity and xDS security").
 */
export function createAuthorizer(o: AuthorizerOptions): Authorize {
  const refuse = (code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED', message: string, caller: Caller) => {
    o.onRefused?.({ code, message, caller });
    return { code, message } as AuthorizeResult;
  };
  return async (ctx: StreamAuthContext): Promise<AuthorizeResult> => {
    const caller: Caller = { ...ctx, bearer: bearerOf(ctx.metadata) };
    const refusals: string[] = [];
    for (const a of o.authenticators) {
      const r = await a.authenticate(caller);
      if (!r) continue;
      if ('refusal' in r) {
        refusals.push(r.refusal);
        continue;
      }
      if (r.expiresAt !== undefined && r.expiresAt <= Date.now()) {
        return refuse('UNAUTHENTICATED', `${describe(r)}: credential expired`, caller);
      }
      if (!r.nodes.some((p) => matchesNode(p, ctx.proxyKey))) {
        return refuse(
          'PERMISSION_DENIED',
          `${describe(r)} may be ${r.nodes.join(', ') || 'no node'}, but node.id "${ctx.node.id}" names ${ctx.proxyKey}`,
          caller,
        );
      }
      return {
        identity: {
          proxyKey: ctx.proxyKey,
          spiffeId: spiffeIdOf(o.trustDomain, ctx.proxyKey),
          method: r.method,
          subject: r.subject,
          expiresAt: r.expiresAt,
        },
      };
    }
    if (refusals.length > 0) return refuse('UNAUTHENTICATED', refusals.join('; '), caller);
    if (!o.required) return { identity: { proxyKey: ctx.proxyKey, method: 'none' } };
    const methods = o.authenticators.map((a) => a.method).join(', ') || 'none configured';
    return refuse(
      'UNAUTHENTICATED',
      `no credential: send a client certificate or an "authorization: Bearer" token (methods: ${methods})`,
      caller,
    );
  };
}
