import type { RetryPolicy } from '@plexus/graph';
import { duration } from '../common/duration.ts';
import type { Json } from '../types.ts';

/** App Mesh retry event names → Envoy retry_on conditions. */
const HTTP_EVENTS: Record<string, string> = {
  'server-error': '5xx',
  'gateway-error': 'gateway-error',
  'client-error': 'retriable-4xx',
  'stream-error': 'refused-stream',
};
const TCP_EVENTS: Record<string, string> = { 'connection-error': 'connect-failure' };

export function retryPolicy(p: RetryPolicy): Json {
  const on = new Set<string>();
  for (const e of p.httpRetryEvents ?? []) on.add(HTTP_EVENTS[e] ?? e);
  for (const e of p.tcpRetryEvents ?? []) on.add(TCP_EVENTS[e] ?? e);
  for (const e of p.grpcRetryEvents ?? []) on.add(e);
  const out: Json = { retry_on: [...on].join(','), num_retries: p.maxRetries };
  const perTry = duration(p.perRetryTimeout);
  if (perTry) out.per_try_timeout = perTry;
  return out;
}

/** App Mesh's hidden default retry policy (UG envoy-defaults.md). */
export function appMeshDefaultRetry(): Json {
  return {
    retry_on: 'connect-failure,refused-stream,reset,unavailable,retriable-status-codes',
    retriable_status_codes: [503],
    num_retries: 2,
  };
}
