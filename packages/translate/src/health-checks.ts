import type { HealthCheck } from '@plexus/graph';
import { durationText } from './common/duration.ts';
import type { Json } from './types.ts';

/** App Mesh listener health check → active health check of the local app cluster. */
export function healthCheck(hc: HealthCheck | undefined): Json[] | undefined {
  if (!hc) return undefined;
  const out: Json = {
    timeout: durationText(hc.timeoutMillis),
    interval: durationText(hc.intervalMillis),
    healthy_threshold: hc.healthyThreshold,
    unhealthy_threshold: hc.unhealthyThreshold,
  };
  if (hc.protocol === 'http' || hc.protocol === 'http2') {
    out.http_health_check = {
      path: hc.path ?? '/',
      ...(hc.protocol === 'http2' ? { codec_client_type: 'HTTP2' } : {}),
    };
  } else if (hc.protocol === 'grpc') out.grpc_health_check = {};
  else out.tcp_health_check = {};
  return [out];
}
