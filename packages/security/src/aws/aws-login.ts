import { fillPattern, matchesNode } from '../node-pattern.ts';
import type { NodeTokenKeys } from '../tokens/key-store.ts';
import { issueNodeToken } from '../tokens/node-token.ts';
import { type AwsIamVerifierOptions, verifyCallerIdentity } from './caller-identity.ts';
import type { SignedStsRequest } from './presign.ts';

export interface AwsRoleBinding {
  /** IAM role (or user) ARN, `*` wildcards. */
  roleArn: string;
  /** Proxy-key patterns; `{role}` is the role's name. */
  nodes: string[];
}

export interface AwsLoginOptions extends AwsIamVerifierOptions {
  bindings: AwsRoleBinding[];
  tokenTtlMs: number;
}

export type LoginResult =
  | { token: string; expiresAt: number; principalArn: string }
  | { status: 401 | 403; refusal: string };

const arnMatches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(arn);

/**
 * `POST /api/v1/login/aws`: a signed GetCallerIdentity request proves the caller's IAM role; the role's
 * bindings say which nodes it may be; the answer is a node token for the node asked for.
 */
export class AwsIamLogin {
  private readonly o: AwsLoginOptions;
  private readonly keys: NodeTokenKeys;
  constructor(o: AwsLoginOptions, keys: NodeTokenKeys) {
    this.o = o;
    this.keys = keys;
  }

  async login(node: string, request: SignedStsRequest): Promise<LoginResult> {
    const who = await verifyCallerIdentity(this.o, request);
    if ('refusal' in who) return { status: 401, refusal: who.refusal };
    const role = /:(?:role|user)\/(?:.*\/)?([^/]+)$/.exec(who.principalArn)?.[1] ?? '';
    const nodes = this.o.bindings
      .filter((b) => arnMatches(b.roleArn, who.principalArn))
      .flatMap((b) => b.nodes.map((p) => fillPattern(p, { role })));
    if (!nodes.some((p) => matchesNode(p, node))) {
      return {
        status: 403,
        refusal: `aws ${who.principalArn} may be ${nodes.join(', ') || 'no node'}, not ${node}`,
      };
    }
    const { token, expiresAt } = await issueNodeToken(this.keys, { node, ttlMs: this.o.tokenTtlMs });
    return { token, expiresAt, principalArn: who.principalArn };
  }
}
