import type { AwsSettings, DiscoverySettings } from './plugin.ts';

/** Attempts per AWS API call unless `settings.aws.maxAttempts` says otherwise (the SDK's own default). */
export const DEFAULT_AWS_MAX_ATTEMPTS = 3;

/** Client options for any AWS SDK v3 client, from `settings.aws` (no SDK import here). */
export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  credentials?: AwsSettings['credentials'];
  maxAttempts: number;
}

/**
 * Builds AWS SDK v3 client options. Region: `settings.aws.region`, else AWS_REGION / AWS_DEFAULT_REGION,
 * else `us-east-1`. Unset credentials are left to the SDK's default chain. `maxAttempts` is the one retry policy of
 * every AWS call a plugin makes (see `AwsSettings.maxAttempts`).
 */
export function awsClientOptions(settings: DiscoverySettings): AwsClientOptions {
  const aws = settings.aws ?? {};
  const opts: AwsClientOptions = {
    region: aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: aws.maxAttempts ?? DEFAULT_AWS_MAX_ATTEMPTS,
  };
  if (aws.endpoint) opts.endpoint = aws.endpoint;
  if (aws.credentials) opts.credentials = aws.credentials;
  return opts;
}
