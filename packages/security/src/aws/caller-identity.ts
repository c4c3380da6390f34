import { GET_CALLER_IDENTITY_BODY, SERVER_ID_HEADER, type SignedStsRequest } from './presign.ts';

export interface AwsIamVerifierOptions {
  /** The value this server expects signed into `x-plexus-server-id`. */
  serverId: string;
  /**
   * Where requests are replayed. Default: the signed request's own STS host (sts.amazonaws.com or
   * sts.<region>.amazonaws.com[.cn], the only hosts accepted). Set: a VPC endpoint, or moto in tests.
   */
  stsEndpoint?: string;
  fetchTimeoutMs?: number;
}

const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;

export interface CallerIdentity {
  /** The IAM principal: a role ARN (assumed-role sessions mapped back to their role) or a user ARN. */
  principalArn: string;
  /** What STS answered. */
  arn: string;
  account: string;
}

/** `20261202T093000Z` → epoch ms. */
function amzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

/** `arn:aws:sts::123:assumed-role/Name/session` → `arn:aws:iam::123:role/Name`. */
export function principalOf(arn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** Headers a GetCallerIdentity request may carry; anything else is refused. */
const ALLOWED_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  SERVER_ID_HEADER,
]);
const MAX_AGE_MS = 15 * 60_000;

/**
 * Checks the shape of a signed GetCallerIdentity request (method, STS host, body, only the expected headers
 * and signed headers, the server id signed, freshness), replays it to STS with this server's id, and returns
 * who STS says signed it. STS verifies the signature; this server never sees a secret.
 */
export async function verifyCallerIdentity(
  o: AwsIamVerifierOptions,
  req: SignedStsRequest,
): Promise<CallerIdentity | { refusal: string }> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { refusal: 'aws: the request has no valid url' };
  }
  if (req.method !== 'POST') return { refusal: `aws: method ${req.method}, expected POST` };
  if (
    url.protocol !== 'https:' ||
    !STS_HOST.test(url.hostname) ||
    url.port ||
    url.pathname !== '/' ||
    url.search
  ) {
    return { refusal: `aws: request for ${req.url}, which is not an STS endpoint` };
  }
  if (req.body !== GET_CALLER_IDENTITY_BODY)
    return { refusal: 'aws: the body is not GetCallerIdentity 2011-06-15' };
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) h[k.toLowerCase()] = String(v);
  for (const k of Object.keys(h))
    if (!ALLOWED_HEADERS.has(k)) return { refusal: `aws: unexpected header ${k}` };
  if (h.host !== url.hostname)
    return { refusal: `aws: host header ${h.host} does not match ${url.hostname}` };
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=[0-9a-f]+$/.exec(
    h.authorization ?? '',
  );
  if (!auth) return { refusal: 'aws: not signed with AWS4-HMAC-SHA256' };
  const scope = auth[1].split('/');
  if (scope.length !== 5 || scope[3] !== 'sts' || scope[4] !== 'aws4_request') {
    return { refusal: 'aws: the credential scope is not for sts' };
  }
  const signed = auth[2].split(';');
  if (!signed.includes(SERVER_ID_HEADER)) return { refusal: `aws: ${SERVER_ID_HEADER} is not signed` };
  if (h[SERVER_ID_HEADER] !== o.serverId) {
    return { refusal: `aws: signed for server '${h[SERVER_ID_HEADER]}', this server is '${o.serverId}'` };
  }
  const date = amzDate(h['x-amz-date'] ?? '');
  const now = Date.now();
  if (!Number.isFinite(date)) return { refusal: 'aws: x-amz-date missing' };
  if (Math.abs(now - date) > MAX_AGE_MS)
    return { refusal: 'aws: the signed request is too old (or dated ahead)' };
  // A configured endpoint (VPC endpoint; moto in tests) receives the request as signed, Host included.
  const target = o.stsEndpoint ? new URL('/', o.stsEndpoint).toString() : url.toString();
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers: { ...h, [SERVER_ID_HEADER]: o.serverId, accept: 'application/json' },
      body: req.body,
      redirect: 'error',
      signal: AbortSignal.timeout(o.fetchTimeoutMs ?? 5000),
    });
  } catch (err) {
    return { refusal: `aws: STS unreachable: ${(err as Error).message}` };
  }
  const text = await res.text();
  if (!res.ok) return { refusal: `aws: STS refused the request (${res.status}): ${stsError(text)}` };
  const identity = parseIdentity(text);
  if (!identity) return { refusal: 'aws: STS answered without an ARN' };
  return { ...identity, principalArn: principalOf(identity.arn) };
}

/** GetCallerIdentity's answer, JSON (Accept: application/json) or the Query API's XML. */
function parseIdentity(text: string): { arn: string; account: string } | undefined {
  try {
    const j = JSON.parse(text) as {
      GetCallerIdentityResponse?: { GetCallerIdentityResult?: { Arn?: string; Account?: string } };
    };
    const r = j.GetCallerIdentityResponse?.GetCallerIdentityResult;
    if (r?.Arn) return { arn: r.Arn, account: r.Account ?? '' };
  } catch {}
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  const account = /<Account>([^<]+)<\/Account>/.exec(text)?.[1] ?? '';
  return arn ? { arn, account } : undefined;
}

function stsError(text: string): string {
  return /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
}
