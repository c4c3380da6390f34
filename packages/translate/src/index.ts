export { UnsupportedFeatureError } from './errors.ts';
export { names } from './names.ts';
export { usesLocality } from './policies/zone-aware.ts';
export { isApiListener, withoutApiListeners } from './proxyless/api-listeners.ts';
export {
  type EgressClusterRef,
  parseEgressCluster,
  parseRouteName,
  type RouteRef,
  TELEMETRY_CONTRACT,
} from './telemetry/contract.ts';
export { meshCertificateSecretName, meshTrustBundleSecretName } from './tls/mesh-ca-names.ts';
export { TRACING_CLUSTER } from './tracing/tracing.ts';
export { translateProxy } from './translate-proxy.ts';
export {
  type EndpointLookup,
  type EnvoyConfig,
  type Json,
  resolveOptions,
  type TelemetryOptions,
  type TranslateOptions,
  TYPE,
} from './types.ts';
