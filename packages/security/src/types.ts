import type { PeerCertificate } from 'node:tls';
import type { XdsNode } from '@plexus/xds';

/** What a caller showed: transport facts and headers, and the node it claims (already resolved to a key). */
export interface Caller {
  peer: string;
  peerAddress?: string;
  /** Verified against the client CA by the TLS layer. */
  peerCertificate?: PeerCertificate;
  metadata: Record<string, string>;
  /** The `authorization: Bearer` credential, when the caller sent one. */
  bearer?: string;
  node: XdsNode;
  /** The canonical proxy key `node.id` names: `mesh/<m>/virtualNode/<n>`. */
  proxyKey: string;
}

/**
 * Who a credential proves the caller is, and which proxies that lets it be. `nodes` are proxy-key patterns
 * (`mesh/<m>/<kind>/<n>`, `*` within a segment).
 */
export interface Principal {
  method: string;
  /** What the credential named, for messages and logs: SPIFFE ID, token subject, service account, role ARN. */
  subject: string;
  nodes: string[];
  /** Epoch ms after which the credential expires. */
  expiresAt?: number;
}

/**
 * One identity method. `undefined`: the caller brought no credential of this kind (the next method is
 * asked); `{ refusal }`: it brought one and it does not hold, in one line.
 */
export interface Authenticator {
  readonly method: string;
  authenticate(
    caller: Caller,
  ): Principal | { refusal: string } | undefined | Promise<Principal | { refusal: string } | undefined>;
}
