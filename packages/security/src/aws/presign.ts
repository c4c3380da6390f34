import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export const SERVER_ID_HEADER = 'x-plexus-server-id';
export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A signed HTTP request, as the client hands it to Plexus to replay. */
export interface SignedStsRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SignOptions {
  credentials: AwsCredentials;
  region: string;
  /** The Plexus server's id (its trust domain unless configured otherwise): signed into the request. */
  serverId: string;
  /** STS host to sign for; default the regional one, sts.<region>.amazonaws.com. */
  stsHost?: string;
}

/**
 * A signed `sts:GetCallerIdentity` request whose signature covers `x-plexus-server-id`. It proves the caller's
 * IAM identity to whoever replays it to STS with that header, and to nobody else (the shape of Consul's and
 * Vault's AWS IAM auth methods). It holds no secret: the signature is good for this one request for a few
 * minutes, and the session token is useless without the secret key.
 */
export async function signGetCallerIdentity(o: SignOptions): Promise<SignedStsRequest> {
  const host = o.stsHost ?? `sts.${o.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region,
    service: 'sts',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname: host,
    path: '/',
    headers: {
      host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      [SERVER_ID_HEADER]: o.serverId,
    },
    body: GET_CALLER_IDENTITY_BODY,
  });
  return {
    method: 'POST',
    url: `https://${host}/`,
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
    body: GET_CALLER_IDENTITY_BODY,
  };
}
