import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from '../errors.ts';
import type { ApiKey } from './api-keys.ts';

/** A request as it arrived, before any parsing that could change what was signed. */
export interface ReceivedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export interface VerifyOptions {
  region: string;
  service?: string;
  now?: Date;
  /** How far X-Amz-Date may be from now (AWS: 5 minutes). */
  maxSkewMs?: number;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function queryObject(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const have = out[k];
    out[k] = have === undefined ? v : Array.isArray(have) ? [...have, v] : [have, v];
  }
  return out;
}

const invalid = (why: string) => new ApiError('InvalidSignatureException', why);

/**
 * Checks a SigV4 `Authorization` header the way AWS does, by recomputing the signature with the key's secret
 * (@smithy/signature-v4, the signer the SDKs use) over the headers the client says it signed. Returns the
 * key, or throws the ApiError AWS would answer with. Secrets never appear in a message.
 */
export async function verifySigV4(
  req: ReceivedRequest,
  keys: ReadonlyMap<string, ApiKey>,
  opts: VerifyOptions,
): Promise<ApiKey> {
  const service = opts.service ?? 'appmesh';
  const authorization = header(req.headers, 'authorization');
  if (!authorization) {
    throw new ApiError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token: sign the request with SigV4 using an access key from plexus run --api-keys',
    );
  }
  const m = AUTH.exec(authorization.trim());
  if (!m)
    throw invalid(
      'Authorization header is not AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...',
    );
  const [, credential, signedList, signature] = m;
  const [accessKeyId, scopeDate, region, scopeService, terminator, ...extra] = credential.split('/');
  if (!terminator || terminator !== 'aws4_request' || extra.length > 0) {
    throw invalid(
      `Credential '${credential.replace(/^[^/]*/, '<key>')}' is not <key>/<date>/<region>/<service>/aws4_request`,
    );
  }
  if (header(req.headers, 'x-amz-security-token') !== undefined) {
    throw new ApiError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid: temporary credentials (session tokens) are not accepted, use an access key from --api-keys',
    );
  }
  const key = keys.get(accessKeyId);
  if (!key) {
    throw new ApiError(
      'UnrecognizedClientException',
      `The security token included in the request is invalid: access key ${accessKeyId} is not in --api-keys`,
    );
  }
  if (scopeService !== service) throw invalid(`Credential should be scoped to correct service: '${service}'`);
  if (region !== opts.region) {
    throw invalid(
      `Credential should be scoped to a valid region, not '${region}' (this endpoint answers for '${opts.region}')`,
    );
  }
  const amzDate = header(req.headers, 'x-amz-date');
  const d = amzDate ? AMZ_DATE.exec(amzDate) : null;
  if (!amzDate || !d) throw invalid('X-Amz-Date header missing or not YYYYMMDDTHHMMSSZ');
  if (scopeDate !== amzDate.slice(0, 8))
    throw invalid(`Credential date ${scopeDate} does not match X-Amz-Date ${amzDate}`);
  const signedAt = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]));
  const now = opts.now ?? new Date();
  const skew = opts.maxSkewMs ?? 5 * 60_000;
  if (Math.abs(now.getTime() - signedAt.getTime()) > skew) {
    throw invalid(
      `Signature expired: ${amzDate} is more than ${Math.round(skew / 60_000)} min from the server time ${now.toISOString()}`,
    );
  }
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host')) throw invalid('SignedHeaders must include host');
  const payloadHash = header(req.headers, 'x-amz-content-sha256');
  if (payloadHash !== undefined) {
    const actual = createHash('sha256').update(req.body).digest('hex');
    if (payloadHash !== actual) throw invalid('x-amz-content-sha256 does not match the request body');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(req.headers, name);
    if (value === undefined) throw invalid(`signed header '${name}' is missing from the request`);
    headers[name] = value;
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey: key.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: req.path,
      query: queryObject(req.query),
      headers,
      body: req.body,
    },
    {
      signingDate: signedAt,
      signableHeaders: new Set(signedHeaders),
      signingRegion: region,
      signingService: service,
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const ok =
    expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  if (!ok) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return key;
}
