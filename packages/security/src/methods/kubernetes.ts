import { readFileSync } from 'node:fs';
import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { fillPattern } from '../node-pattern.ts';
import { looksLikeNodeToken } from '../tokens/node-token.ts';
import type { Authenticator, Caller, Principal } from '../types.ts';

export interface KubernetesBinding {
  /** `namespace/name`, `*` wildcards within each part. */
  serviceAccount: string;
  /** Proxy-key patterns; `{namespace}` and `{name}` are the service account's. */
  nodes: string[];
}

export interface KubernetesAuthOptions {
  /** The audience projected tokens must carry (default `plexus`). */
  audience?: string;
  /** API server URL; unset: in-cluster config, or the kubeconfig. */
  server?: string;
  /** The daemon's own token for calling TokenReview (needs system:auth-delegator). */
  tokenFile?: string;
  caFile?: string;
  bindings: KubernetesBinding[];
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  return re.test(value);
}

/**
 * Kubernetes service accounts: a projected service-account token (audience `plexus`) is checked with the
 * TokenReview API, and the configured bindings say which nodes that service account may be.
 */
export class KubernetesAuthenticator implements Authenticator {
  readonly method = 'kubernetes';
  private readonly api: AuthenticationV1Api;
  private readonly audience: string;
  private readonly bindings: KubernetesBinding[];

  constructor(o: KubernetesAuthOptions) {
    this.audience = o.audience ?? 'plexus';
    this.bindings = o.bindings;
    const kc = new KubeConfig();
    if (o.server) {
      kc.loadFromOptions({
        clusters: [
          { name: 'plexus', server: o.server, caFile: o.caFile, skipTLSVerify: o.server.startsWith('http:') },
        ],
        users: [
          { name: 'plexus', token: o.tokenFile ? readFileSync(o.tokenFile, 'utf8').trim() : undefined },
        ],
        contexts: [{ name: 'plexus', cluster: 'plexus', user: 'plexus' }],
        currentContext: 'plexus',
      });
    } else kc.loadFromDefault();
    this.api = kc.makeApiClient(AuthenticationV1Api);
  }

  async authenticate(caller: Caller): Promise<Principal | { refusal: string } | undefined> {
    const token = caller.bearer;
    if (!token || looksLikeNodeToken(token) || token.split('.').length !== 3) return undefined;
    let review: Awaited<ReturnType<AuthenticationV1Api['createTokenReview']>>;
    try {
      review = await this.api.createTokenReview({
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, audiences: [this.audience] },
        },
      });
    } catch (err) {
      const e = err as { code?: number; body?: string; message?: string };
      return {
        refusal: `kubernetes: TokenReview failed (${e.code ?? ''} ${firstLine(e.body ?? e.message)})`,
      };
    }
    const st = review.status;
    if (!st?.authenticated)
      return { refusal: `kubernetes: token refused by TokenReview: ${st?.error ?? 'not authenticated'}` };
    if (!(st.audiences ?? []).includes(this.audience)) {
      return { refusal: `kubernetes: token is not for audience '${this.audience}'` };
    }
    const m = SA_USER.exec(st.user?.username ?? '');
    if (!m) return { refusal: `kubernetes: '${st.user?.username}' is not a service account` };
    const [, namespace, name] = m;
    const sa = `${namespace}/${name}`;
    const nodes = this.bindings
      .filter((b) => {
        const [ns, n] = b.serviceAccount.split('/');
        return globMatch(ns, namespace) && globMatch(n, name);
      })
      .flatMap((b) => b.nodes.map((p) => fillPattern(p, { namespace, name })));
    // no binding: authenticated, but it may be no node (PERMISSION_DENIED)
    return { method: this.method, subject: `serviceaccount ${sa}`, nodes, expiresAt: undefined };
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].slice(0, 200);
}
