export {
  type AccessLogServiceCounters,
  type AuthorizeTelemetryStream,
  accessLogService,
  type StreamRefusal,
} from './access-log-service.ts';
export { type EdgeDocument, type EdgesDocument, edgesDocument, MAX_WINDOW_SECONDS } from './document.ts';
export { attributeEntry, type EdgeLabels, edgeKey, type StreamIdentity, streamIdentity } from './edge.ts';
export {
  type EdgeStats,
  EdgeStore,
  type EdgeStoreOptions,
  type HttpRecord,
  isError,
  RESPONSE_CLASSES,
  type ResponseClass,
  responseClass,
  type TcpRecord,
} from './edge-store.ts';
export { DURATION_BUCKETS } from './latency.ts';
export { registerTelemetryMetrics } from './prometheus.ts';
export { edgeLabelText, edgeSeriesText } from './prometheus-text.ts';
export { RESPONSE_FLAG_CODES, responseFlagCodes } from './response-flags.ts';
export { type RouteTargetRef, type RouteTargetWindow, routeTargetWindow } from './route-target.ts';
export {
  createTelemetry,
  type HostedService,
  TELEMETRY_HTTP_PREFIX,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry.ts';
