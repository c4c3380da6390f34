import type { NodeTokenKeys } from '../tokens/key-store.ts';
import { looksLikeNodeToken, verifyNodeToken } from '../tokens/node-token.ts';
import type { Authenticator, Caller, Principal } from '../types.ts';

/** Node tokens (`plexus token create`, `plexus login aws`): a bearer JWT signed by the daemon's key. */
export class NodeTokenAuthenticator implements Authenticator {
  readonly method = 'token';
  private readonly keys: NodeTokenKeys;
  constructor(keys: NodeTokenKeys) {
    this.keys = keys;
  }

  async authenticate(caller: Caller): Promise<Principal | { refusal: string } | undefined> {
    if (!caller.bearer || !looksLikeNodeToken(caller.bearer)) return undefined;
    const v = await verifyNodeToken(this.keys, caller.bearer);
    if ('refusal' in v) return v;
    return {
      method: this.method,
      subject: `node token ${v.jti ?? ''} for ${v.node}`.replace('  ', ' '),
      nodes: [v.node],
      expiresAt: v.expiresAt,
    };
  }
}
