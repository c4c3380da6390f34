import type { AwsSettings, DiscoverySettings } from './plugin.ts';

/** Client options for any AWS SDK v3 client, from `settings.aws` (no SDK import here). */
export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  credentials?: AwsSettings['credentials'];
  maxAttempts?: number;
}

/**
 * Builds AWS SDK v3 client options. Region: `settings.aws.region`, else AWS_REGION / AWS_DEFAULT_REGION,
 * else `us-east-1`. Unset fields are left to the SDK's default chain.
 */
export function awsClientOptions(settings: DiscoverySettings): AwsClientOptions {
  const aws = settings.aws ?? {};
  const opts: AwsClientOptions = {
    region: aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
  if (aws.endpoint) opts.endpoint = aws.endpoint;
  if (aws.credentials) opts.credentials = aws.credentials;
  if (aws.maxAttempts) opts.maxAttempts = aws.maxAttempts;
  return opts;
}
