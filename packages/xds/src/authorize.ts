import type { PeerCertificate } from 'node:tls';
import type { XdsNode } from './types.ts';

/**
 * Who a stream proved it is. `proxyKey` is the canonical `mesh/<m>/virtualNode/<n>` (or `virtualGateway/<n>`)
 * the credential names; the mesh CA reads `spiffeId` to issue that proxy's certificates.
 */
export interface StreamIdentity {
  proxyKey: string;
  spiffeId?: string;
  /** The method that proved it: `certificate`, `token`, `kubernetes`, `aws-iam`, `discovery`, `none`. */
  method: string;
  /** What the credential named (SPIFFE ID, token subject, service account, role ARN, peer address). */
  subject?: string;
  /** Epoch ms after which the credential no longer holds: the stream ends with UNAUTHENTICATED then. */
  expiresAt?: number;
}

/** What the transport and the first request tell about a caller, before anything is sent to it. */
export interface StreamAuthContext {
  /** `ip:port`, or the unix socket path side as grpc-js reports it. */
  peer: string;
  /** The peer's IP address, when the connection is TCP. */
  peerAddress?: string;
  /** The connection is TLS. */
  tls: boolean;
  /** The client certificate, only when the TLS layer verified it against the configured client CA. */
  peerCertificate?: PeerCertificate;
  /** Request headers (gRPC metadata), lower-case keys, first value of each. */
  metadata: Record<string, string>;
  node: XdsNode;
  /** What `resolveProxy` made of the node. */
  proxyKey: string;
  variant: 'sotw' | 'delta';
}

export type AuthorizeRefusal = { code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; message: string };
export type AuthorizeResult = { identity: StreamIdentity } | AuthorizeRefusal;

/** Decides whether a stream may read `proxyKey`'s config. Called once per stream, before any response. */
export type Authorize = (ctx: StreamAuthContext) => AuthorizeResult | Promise<AuthorizeResult>;

/** Decides whether a CSDS caller may read every connected proxy's config. */
export type AuthorizeAdmin = (
  ctx: Omit<StreamAuthContext, 'node' | 'proxyKey' | 'variant'>,
) => true | AuthorizeRefusal | Promise<true | AuthorizeRefusal>;

/**
 * Re-checks a live stream (credentials that depend on changing facts, such as discovery-bound identity).
 * Returns why the stream must end, or undefined to keep it.
 */
export type Recheck = (identity: StreamIdentity, ctx: StreamAuthContext) => string | undefined;
