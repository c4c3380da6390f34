import type { ConnectionPool } from '@plexus/graph';
import type { Json } from '../types.ts';

const UNLIMITED = 2147483647;

/** App Mesh connection pool → Envoy circuit breaker thresholds (default priority). */
export function circuitBreakers(
  pool: ConnectionPool | undefined,
  unlimitedDefault: boolean,
): Json | undefined {
  const t: Json = {};
  if (pool?.tcp) t.max_connections = pool.tcp.maxConnections;
  if (pool?.http) {
    t.max_connections = pool.http.maxConnections;
    if (pool.http.maxPendingRequests !== undefined) t.max_pending_requests = pool.http.maxPendingRequests;
  }
  if (pool?.http2) t.max_requests = pool.http2.maxRequests;
  if (pool?.grpc) t.max_requests = pool.grpc.maxRequests;
  if (Object.keys(t).length === 0) {
    if (!unlimitedDefault) return undefined;
    Object.assign(t, {
      max_connections: UNLIMITED,
      max_pending_requests: UNLIMITED,
      max_requests: UNLIMITED,
      max_retries: UNLIMITED,
    });
  }
  return { thresholds: [{ priority: 'DEFAULT', ...t }] };
}
