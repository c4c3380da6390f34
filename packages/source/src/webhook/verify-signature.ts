import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type WebhookVerdict =
  | { ok: true; via: 'github' | 'gitlab' | 'plexus' | 'unsigned' }
  | { ok: false; reason: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hmacMatches(secret: string, body: Buffer, signature: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  return safeEqual(expected, m[1].toLowerCase());
}

/**
 * Checks a webhook delivery: GitHub (X-Hub-Signature-256: sha256=HMAC(body)), GitLab (X-Gitlab-Token: secret)
 * or generic (X-Plexus-Signature: sha256=HMAC(body)). Without a configured secret every delivery is accepted.
 */
export function verifyWebhook(
  secret: string | undefined,
  headers: IncomingHttpHeaders,
  body: Buffer,
): WebhookVerdict {
  if (!secret) return { ok: true, via: 'unsigned' };
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    return hmacMatches(secret, body, github)
      ? { ok: true, via: 'github' }
      : { ok: false, reason: 'bad X-Hub-Signature-256' };
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    return safeEqual(gitlab, secret)
      ? { ok: true, via: 'gitlab' }
      : { ok: false, reason: 'bad X-Gitlab-Token' };
  }
  const plexus = header(headers, 'x-plexus-signature');
  if (plexus !== undefined) {
    return hmacMatches(secret, body, plexus)
      ? { ok: true, via: 'plexus' }
      : { ok: false, reason: 'bad X-Plexus-Signature' };
  }
  return {
    ok: false,
    reason: 'missing signature (X-Hub-Signature-256, X-Gitlab-Token or X-Plexus-Signature)',
  };
}
