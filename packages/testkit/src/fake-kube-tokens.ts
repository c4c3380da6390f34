import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * The service-account token API of the fake Kubernetes API server: TokenRequest (what the kubelet uses for
 * projected tokens) issues JWTs like the real issuer (iss, sub system:serviceaccount:<ns>:<name>, aud, exp,
 * kubernetes.io claims), and TokenReview (authentication.k8s.io/v1) checks them as kube-apiserver does:
 * signature, expiry, and the intersection of the token's and the review's audiences. Only callers holding
 * the reviewer token may review (the real one needs system:auth-delegator).
 */
export class FakeKubeTokens {
  readonly issuer = 'https://kubernetes.default.svc.cluster.local';
  private readonly secret = new Uint8Array(randomBytes(32));
  /** Bearer the token reviewer (Plexus) must present. */
  readonly reviewerToken = `reviewer-${randomBytes(8).toString('hex')}`;
  readonly counts = { reviews: 0, requests: 0 };

  /** A projected service-account token, as `serviceAccountToken` volume projection would mount it. */
  async issue(
    namespace: string,
    name: string,
    o: { audiences?: string[]; ttlSeconds?: number } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      'kubernetes.io': { namespace, serviceaccount: { name, uid: `uid-${namespace}-${name}` } },
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'fake-sa-key' })
      .setIssuer(this.issuer)
      .setSubject(`system:serviceaccount:${namespace}:${name}`)
      .setAudience(o.audiences ?? [this.issuer])
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (o.ttlSeconds ?? 3600))
      .sign(this.secret);
  }

  /** Routes POST token requests and reviews; false when the path is not theirs. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const tr = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(path);
    if (req.method === 'POST' && tr) {
      void body(req).then((b) =>
        this.tokenRequest(decodeURIComponent(tr[1]), decodeURIComponent(tr[2]), b, res),
      );
      return true;
    }
    if (req.method === 'POST' && path === '/apis/authentication.k8s.io/v1/tokenreviews') {
      if (req.headers.authorization !== `Bearer ${this.reviewerToken}`) {
        json(res, 403, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'tokenreviews.authentication.k8s.io is forbidden: the caller may not create tokenreviews',
        });
        return true;
      }
      void body(req).then((b) => this.review(b, res));
      return true;
    }
    return false;
  }

  private async tokenRequest(namespace: string, name: string, b: TokenBody, res: ServerResponse) {
    this.counts.requests++;
    const ttl = Number(b.spec?.expirationSeconds ?? 3600);
    const token = await this.issue(namespace, name, { audiences: b.spec?.audiences, ttlSeconds: ttl });
    json(res, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace },
      spec: b.spec ?? {},
      status: { token, expirationTimestamp: new Date(Date.now() + ttl * 1000).toISOString() },
    });
  }

  private async review(b: TokenBody, res: ServerResponse) {
    this.counts.reviews++;
    const wanted: string[] = b.spec?.audiences ?? [this.issuer];
    const answer = (status: Record<string, unknown>) =>
      json(res, 201, {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        spec: b.spec ?? {},
        status,
      });
    try {
      const { payload } = await jwtVerify(String(b.spec?.token ?? ''), this.secret, { issuer: this.issuer });
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ''];
      const both = aud.filter((a) => wanted.includes(a));
      if (both.length === 0) {
        return answer({
          authenticated: false,
          error: `[invalid bearer token, token audiences ${JSON.stringify(aud)} is invalid for the target audiences ${JSON.stringify(wanted)}]`,
        });
      }
      const k8s = payload['kubernetes.io'] as {
        namespace: string;
        serviceaccount: { name: string; uid: string };
      };
      answer({
        authenticated: true,
        audiences: both,
        user: {
          username: payload.sub,
          uid: k8s.serviceaccount.uid,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${k8s.namespace}`,
            'system:authenticated',
          ],
        },
      });
    } catch (err) {
      const why = err instanceof errors.JWTExpired ? 'token has expired' : 'invalid bearer token';
      answer({ authenticated: false, error: `[${why}]` });
    }
  }
}

/** The request bodies both APIs take: TokenRequest's and TokenReview's spec. */
interface TokenBody {
  spec?: { token?: string; audiences?: string[]; expirationSeconds?: number };
}

function body(req: IncomingMessage): Promise<TokenBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        resolve({});
      }
    });
  });
}

function json(res: ServerResponse, code: number, v: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(v));
}
